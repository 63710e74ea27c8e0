using System.Globalization;
using System.Security.Cryptography;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tool.Generate;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Import;

public sealed class ImportFixture : IsolatedAppFixture
{
    /// <summary>
    /// Runs the command in-process as <c>import FILE ...</c> would from the command line, with the JSON in a
    /// temporary file and the fixture's Azurite (and, when given, a table prefix of its own) as configuration.
    /// </summary>
    public async Task<(int Code, string Output, string Error)> ImportAsync(string json, string? tablePrefix = null, params string[] extra)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            return await RunAsync([path, .. extra, .. Configuration(tablePrefix)]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Imports a file where it is (its content files, LFS objects, are named relative to its folder).</summary>
    public Task<(int Code, string Output, string Error)> ImportFileAsync(string path, string? tablePrefix = null) =>
        RunAsync([path, .. Configuration(tablePrefix)]);

    /// <summary>Runs the command with exactly these arguments.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ImportCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public string[] Configuration(string? tablePrefix = null) =>
        tablePrefix is null
            ? ["--AzureWebJobsStorage=" + Azurite.ConnectionString, OtpKeyArgument]
            : ["--AzureWebJobsStorage=" + Azurite.ConnectionString, OtpKeyArgument, "--Storage:TablePrefix=" + tablePrefix];

    /// <summary>The test apps' OTP encryption key, which <c>otp_secrets</c> (in the demo data) needs.</summary>
    public const string OtpKeyArgument = "--TwoFactor:OtpEncryptionKeys:test1=" + TestApp.TestOtpEncryptionKey;

    /// <summary>The stores of the app, or of a table prefix of their own (an empty store for one test).</summary>
    public StoreSet Stores(string? tablePrefix = null) => tablePrefix is null
        ? StoreSet.Of(App.Services)
        : StoreSet.Over(new GitLabTables(Tables, Options.Create(new StorageOptions { TablePrefix = tablePrefix })), TimeProvider.System);

    public TableServiceClient Tables => App.Services.GetRequiredService<TableServiceClient>();

    /// <summary>Every entity of every table of the store, as sorted text lines (timestamps and ETags left out).</summary>
    public async Task<IReadOnlyList<string>> SnapshotAsync(string? tablePrefix = null)
    {
        var lines = new List<string>();
        foreach (var table in Stores(tablePrefix).Tables.All)
        {
            // A prefix that was never imported into has no tables yet: an empty store.
            if (!await ExistsAsync(table))
            {
                continue;
            }

            await foreach (var e in table.QueryAsync<TableEntity>())
            {
                var properties = e.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => p.Key + "=" + Convert.ToString(p.Value is DateTimeOffset t ? t.ToString("O", CultureInfo.InvariantCulture) : p.Value, CultureInfo.InvariantCulture));
                lines.Add($"{table.Name}|{e.PartitionKey}|{e.RowKey}|{string.Join("|", properties)}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private async Task<bool> ExistsAsync(TableClient table)
    {
        await foreach (var item in Tables.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {table.Name}")))
        {
            return true;
        }

        return false;
    }

    /// <summary>Writes a generated instance (<see cref="InstanceGenerator"/>) to a temporary file; the caller deletes it.</summary>
    public static async Task<string> GenerateAsync(int entities, int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await using var stream = File.Create(path);
        await new InstanceGenerator(InstanceShape.Of(entities), seed).WriteAsync(stream);
        return path;
    }

    /// <summary>Every row of a table.</summary>
    public static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A fresh table prefix: an empty store on the same Azurite.</summary>
    public static string NewPrefix() => TestIds.Name("imp");

    /// <summary>A real ed25519 public key line (random key material, SSH wire format).</summary>
    public static string Key(string comment)
    {
        var type = "ssh-ed25519"u8.ToArray();
        var key = RandomNumberGenerator.GetBytes(32);
        var blob = new byte[4 + type.Length + 4 + key.Length];
        blob[3] = (byte)type.Length;
        type.CopyTo(blob, 4);
        blob[4 + type.Length + 3] = 32;
        key.CopyTo(blob, 8 + type.Length);
        return "ssh-ed25519 " + Convert.ToBase64String(blob) + " " + comment;
    }
}

[CollectionDefinition("import")]
public sealed class ImportCollection : ICollectionFixture<ImportFixture>;

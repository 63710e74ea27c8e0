using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InternalApi.Core.Auth;
using InternalApi.Core.Pages;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Pages;

/// <summary>One Azurite (tables and blobs) and one app, loaded once with data/demo.json (which publishes the demo site).</summary>
public sealed class PagesFixture : IsolatedAppFixture
{
    /// <summary>A plain client for the SAS URLs: the daemon fetches them from storage, not from the app.</summary>
    public HttpClient Storage { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" };

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // The demo file itself: its LFS section names content files relative to it.
        var (code, _, error) = await ImportFileAsync(ImportTests.FindDemo());
        Assert.True(code == 0, error);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        Storage.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Imports a data file through the operator command, as <c>./run.sh import</c> does.</summary>
    public async Task<(int Code, string Output, string Error)> ImportAsync(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            return await ImportFileAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Imports the data file at <paramref name="path"/> through the operator command.</summary>
    public async Task<(int Code, string Output, string Error)> ImportFileAsync(string path)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ImportCommand.RunAsync([path, .. Configuration], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The tool's configuration for this fixture's storage.</summary>
    public string[] Configuration => ["--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument];

    /// <summary>Asks the app what <paramref name="host"/> serves, as the daemon does; <paramref name="token"/> null sends none.</summary>
    public async Task<(HttpStatusCode Status, string Body, JsonNode? Json)> LookupAsync(string? host, string? token = "")
    {
        var path = host is null ? "/api/v4/internal/pages" : "/api/v4/internal/pages?host=" + Uri.EscapeDataString(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Add(PagesAuthenticator.Header, token.Length == 0 ? App.PagesToken() : token);
        }

        using var response = await App.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    /// <summary>A Pages-shaped token (iss gitlab-pages) signed with another key.</summary>
    public static string ForeignToken() => InternalJwt.Create(RandomNumberGenerator.GetBytes(32), PagesAuthenticator.Issuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>Downloads a lookup path's zip from its SAS URL.</summary>
    public async Task<byte[]> DownloadAsync(JsonNode lookupPath)
    {
        var url = lookupPath["source"]!["path"]!.GetValue<string>();
        using var response = await Storage.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The text of one entry of a zip.</summary>
    public static string Entry(byte[] zip, string name)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entry = archive.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"the zip has no {name}: {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Sends a ranged GET to a SAS URL, as the daemon reads a zip's central directory and entries.</summary>
    public async Task<(HttpStatusCode Status, byte[] Bytes, string? ContentRange)> RangeAsync(string url, RangeHeaderValue range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = range;
        using var response = await Storage.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentRange?.ToString());
    }
}

[CollectionDefinition("pages")]
public sealed class PagesCollection : ICollectionFixture<PagesFixture>;

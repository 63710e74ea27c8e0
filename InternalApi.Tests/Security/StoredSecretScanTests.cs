using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Security;

/// <summary>
/// After the demo import and the token-issuing endpoints, every row of every table the app registers (and any
/// other table in the account) is read back and each property value searched for every credential of the demo
/// data, the tokens and recovery codes just issued, and the app's shell and KAS secrets. None may be there in
/// clear (digests and encrypted OTP secrets are what the store is meant to hold).
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class StoredSecretScanTests(SecurityFixture fixture)
{
    [Fact]
    public async Task No_Table_Holds_A_Clear_Text_Secret()
    {
        var app = fixture.App;
        var issued = new List<string>();

        // rubi (user 7, key 7) has 2FA in the demo data; root's key is 11.
        foreach (var (key, scopes) in new[] { (7, "[\"api\"]"), (11, "[\"read_api\",\"read_repository\"]") })
        {
            using var document = await ShellPostAsync("/api/v4/internal/personal_access_token", $$"""{"key_id":{{key}},"name":"scan-{{key}}","scopes":{{scopes}}}""");
            issued.Add(document.RootElement.GetProperty("token").GetString()!);
        }

        using (var document = await ShellPostAsync("/api/v4/internal/two_factor_recovery_codes", """{"key_id":7}"""))
        {
            issued.AddRange(document.RootElement.GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!));
        }

        Assert.Equal(12, issued.Count);
        var demo = DemoSecrets.All();
        Assert.Contains(SecurityFixture.AgentToken, demo);
        Assert.Contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", demo); // the OTP secret: it must be stored encrypted
        var watched = demo.Concat(issued)
            .Append(Encoding.UTF8.GetString(app.ShellKey))
            .Append(Convert.ToBase64String(app.KasKey))
            .Append(Convert.ToHexString(app.KasKey))
            .Append(SecurityFixture.ErrorTrackingToken)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var services = app.Services;
        var tables = services.GetServices<ITableSet>().SelectMany(s => s.All).DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
        var names = tables.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        await foreach (var item in services.GetRequiredService<TableServiceClient>().QueryAsync())
        {
            if (names.Add(item.Name))
            {
                tables.Add(services.GetRequiredService<TableServiceClient>().GetTableClient(item.Name));
            }
        }

        var rows = 0;
        var hits = new List<string>();
        foreach (var table in tables)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                rows++;
                foreach (var (property, value) in entity)
                {
                    var texts = value switch
                    {
                        byte[] bytes => [Convert.ToBase64String(bytes), Encoding.UTF8.GetString(bytes), Convert.ToHexString(bytes)],
                        _ => new[] { Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" },
                    };
                    foreach (var secret in watched.Where(s => texts.Any(t => t.Contains(s, StringComparison.OrdinalIgnoreCase))))
                    {
                        hits.Add($"{table.Name} {entity.PartitionKey}/{entity.RowKey} {property}: {secret[..Math.Min(8, secret.Length)]}…");
                    }
                }
            }
        }

        Assert.True(tables.Count >= 10 && rows >= 50, $"the scan saw only {tables.Count} tables, {rows} rows");
        Assert.True(hits.Count == 0, string.Join("\n", hits));
    }

    private async Task<JsonDocument> ShellPostAsync(string path, string json)
    {
        var (status, body) = await fixture.SendAsync(fixture.App.ShellRequest(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json")));
        Assert.True(status == 200, $"{path}: {status} {body}");
        var document = JsonDocument.Parse(body);
        Assert.True(document.RootElement.GetProperty("success").GetBoolean(), body);
        return document;
    }
}

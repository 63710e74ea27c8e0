using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace InternalApi.Tests.Pages;

/// <summary>
/// <c>GET /internal/pages?host=</c> over real HTTP on Azurite: each of GitLab's resolution paths (unique domain,
/// top-level namespace, custom domain), the answer's exact shape, and the SAS URL read whole and by range from blob storage.
/// </summary>
[Collection("pages")]
public sealed class PagesLookupTests(PagesFixture fixture)
{
    private static readonly string[] DomainFields = ["certificate", "key", "root_namespace_id", "lookup_paths"];

    private static readonly string[] LookupPathFields =
        ["project_id", "access_control", "https_only", "prefix", "source", "unique_host", "root_directory", "primary_domain", "root_namespace_id"];

    private static readonly string[] SourceFields = ["type", "path", "global_id", "sha256", "file_size", "file_count"];

    [Fact]
    public async Task Namespace_Host_Answers_The_Demo_Site_At_Its_Project_Prefix()
    {
        var (status, _, json) = await fixture.LookupAsync("gnuwget.pages.localhost");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DomainFields, json!.AsObject().Select(p => p.Key));
        Assert.Null(json["certificate"]);
        Assert.Null(json["key"]);
        Assert.Equal(100, json["root_namespace_id"]!.GetValue<long>());
        var path = Assert.Single(json["lookup_paths"]!.AsArray())!;
        Assert.Equal(LookupPathFields, path.AsObject().Select(p => p.Key));
        Assert.Equal(3, path["project_id"]!.GetValue<long>());
        Assert.Equal("/wget2/", path["prefix"]!.GetValue<string>());
        Assert.False(path["access_control"]!.GetValue<bool>());
        Assert.False(path["https_only"]!.GetValue<bool>());
        Assert.Equal("wget2-demo-4f2a1c.pages.localhost", path["unique_host"]!.GetValue<string>());
        Assert.Equal("public", path["root_directory"]!.GetValue<string>());
        Assert.Null(path["primary_domain"]);
        Assert.Equal(100, path["root_namespace_id"]!.GetValue<long>());
        var source = path["source"]!;
        Assert.Equal(SourceFields, source.AsObject().Select(p => p.Key));
        Assert.Equal("zip", source["type"]!.GetValue<string>());
        Assert.StartsWith("gid://gitlab/PagesDeployment/", source["global_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, source["file_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Source_Path_Downloads_The_Zip_Whose_Sha256_And_Size_The_Answer_Gives()
    {
        var (_, _, json) = await fixture.LookupAsync("gnuwget.pages.localhost");
        var path = json!["lookup_paths"]![0]!;

        var zip = await fixture.DownloadAsync(path);

        Assert.Equal(path["source"]!["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(zip)));
        Assert.Equal(path["source"]!["file_size"]!.GetValue<long>(), zip.LongLength);
        Assert.Contains("wget2 pages demo", PagesFixture.Entry(zip, "public/index.html"), StringComparison.Ordinal);

        // Read-only: the same URL cannot write the blob.
        using var put = new HttpRequestMessage(HttpMethod.Put, path["source"]!["path"]!.GetValue<string>()) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var refused = await fixture.Storage.SendAsync(put);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Source_Path_Serves_Http_Range_Requests_Matching_The_Whole_Zip()
    {
        var (_, _, json) = await fixture.LookupAsync("gnuwget.pages.localhost");
        var path = json!["lookup_paths"]![0]!;
        var url = path["source"]!["path"]!.GetValue<string>();
        var zip = await fixture.DownloadAsync(path);

        // The local file header's signature, then the end of central directory record, as the daemon reads them.
        var (status, head, range) = await fixture.RangeAsync(url, new RangeHeaderValue(0, 3));
        Assert.Equal(HttpStatusCode.PartialContent, status);
        Assert.Equal("PK\u0003\u0004"u8.ToArray(), head);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"bytes 0-3/{zip.Length}"), range);

        var (tailStatus, tail, _) = await fixture.RangeAsync(url, new RangeHeaderValue(zip.Length - 22, zip.Length - 1));
        Assert.Equal(HttpStatusCode.PartialContent, tailStatus);
        Assert.Equal(zip[^22..], tail);
        Assert.Equal("PK\u0005\u0006"u8.ToArray(), tail[..4]);
    }

    [Fact]
    public async Task Custom_Domain_Resolves_To_The_Same_Project_At_The_Root()
    {
        var (_, _, byNamespace) = await fixture.LookupAsync("gnuwget.pages.localhost");
        var (status, _, json) = await fixture.LookupAsync("WGET2-Docs.Example.Test");

        Assert.Equal(HttpStatusCode.OK, status);
        var path = Assert.Single(json!["lookup_paths"]!.AsArray())!;
        Assert.Equal(3, path["project_id"]!.GetValue<long>());
        Assert.Equal("/", path["prefix"]!.GetValue<string>());
        Assert.Equal(byNamespace!["lookup_paths"]![0]!["source"]!["sha256"]!.GetValue<string>(), path["source"]!["sha256"]!.GetValue<string>());
        Assert.Null(json["certificate"]);
        Assert.Null(json["key"]);
    }

    [Fact]
    public async Task Unique_Domain_Resolves_To_The_Project_At_The_Root()
    {
        var (status, _, json) = await fixture.LookupAsync("wget2-demo-4f2a1c.pages.localhost");

        Assert.Equal(HttpStatusCode.OK, status);
        var path = Assert.Single(json!["lookup_paths"]!.AsArray())!;
        Assert.Equal(3, path["project_id"]!.GetValue<long>());
        Assert.Equal("/", path["prefix"]!.GetValue<string>());
        Assert.Equal("wget2-demo-4f2a1c.pages.localhost", path["unique_host"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("unknown.example.test")]
    [InlineData("nobody-here.pages.localhost")]
    [InlineData("pages.localhost")]
    [InlineData(".pages.localhost")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("gnuwget.pages.localhost:443")]
    [InlineData("gnuwget.pages.localhost/wget2")]
    [InlineData("' or PartitionKey ne '")]
    public async Task Hosts_Nothing_Is_Served_At_Answer_204_Without_A_Body(string host)
    {
        var (status, body, _) = await fixture.LookupAsync(host);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Over_Long_Host_Answers_204()
    {
        var (status, body, _) = await fixture.LookupAsync(new string('a', 4000) + ".pages.localhost");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Host_With_A_Null_Byte_Answers_Grapes_400()
    {
        var (status, body, _) = await fixture.LookupAsync("wget2-docs.example.test\u0000");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"message":"400 Bad request - null byte in parameters"}""", body);
    }

    [Fact]
    public async Task Missing_Host_Answers_Grapes_400()
    {
        var (status, body, _) = await fixture.LookupAsync(null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"error":"host is missing"}""", body);
    }

    [Fact]
    public async Task Status_Answers_204_With_The_Pages_Jwt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages/status");
        request.Headers.Add(Core.Pages.PagesAuthenticator.Header, fixture.App.PagesToken());
        using var response = await fixture.App.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lookups_Log_No_Warning_Or_Error()
    {
        var before = fixture.App.Logs.Entries.Count;
        Assert.Equal(HttpStatusCode.OK, (await fixture.LookupAsync("gnuwget.pages.localhost")).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.LookupAsync("wget2-docs.example.test")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.LookupAsync("unknown.example.test")).Status);

        Assert.DoesNotContain(fixture.App.Logs.Entries.Skip(before), e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && e.Category.StartsWith("InternalApi", StringComparison.Ordinal));
    }
}

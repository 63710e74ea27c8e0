using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Lfs;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Conformance;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tool;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Git;

/// <summary>
/// <c>GET /internal/lfs</c> over real HTTP, on the demo data imported into Azurite (tables and blobs): the demo
/// object of <c>gnuwget/wget2</c>, every 404 of GitLab's endpoint, its 400 and the auth failures; objects stored by
/// the operator command.
/// </summary>
[Collection("doc-examples")]
public sealed class LfsObjectTests(DemoFixture fixture) : IAsyncLifetime
{
    private const string DemoOid = "c67c3e0f91b80904492db27b03a5ee56d33366ff20eb7b45a5f46a11949d191c";
    private const string NotFound = """{"message":"404 Not Found"}""";

    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, string? MediaType, byte[] Body, long? Length)> GetAsync(string query, params (string Header, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/lfs" + query);
        foreach (var (header, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await fixture.App.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentLength);
    }

    private Task<(HttpStatusCode Status, string? MediaType, byte[] Body, long? Length)> ShellGetAsync(string query) =>
        GetAsync(query, (RequestAuthenticator.ShellHeader, fixture.App.ShellToken()));

    [Fact]
    public async Task The_Demo_Object_Is_Served_As_Its_Bytes()
    {
        var (status, mediaType, body, length) = await ShellGetAsync($"?oid={DemoOid}&gl_repository=project-3");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/octet-stream", mediaType);
        Assert.Equal("InternalApi demo LFS object\n", Encoding.UTF8.GetString(body));
        Assert.Equal(28, length);
    }

    [Theory]
    [InlineData("?oid=" + "0000000000000000000000000000000000000000000000000000000000000000" + "&gl_repository=project-3")] // unknown object
    [InlineData("?oid=" + DemoOid + "&gl_repository=project-7")] // an object of another project
    [InlineData("?oid=" + DemoOid + "&gl_repository=project-999999999")] // unknown project
    [InlineData("?oid=" + DemoOid + "&gl_repository=wiki-3")] // not a project repository
    [InlineData("?oid=" + DemoOid + "&gl_repository=snippet-3")]
    [InlineData("?oid=" + DemoOid + "&gl_repository=3")]
    [InlineData("?oid=" + DemoOid + "&gl_repository=")]
    [InlineData("?oid=C67C3E0F91B80904492DB27B03A5EE56D33366FF20EB7B45A5F46A11949D191C&gl_repository=project-3")] // oids are exact
    [InlineData("?oid=../../etc/passwd&gl_repository=project-3")]
    [InlineData("?oid=&gl_repository=project-3")]
    public async Task Everything_Else_Is_GitLabs_404(string query)
    {
        var (status, mediaType, body, _) = await ShellGetAsync(query);
        Assert.Equal((HttpStatusCode.NotFound, "application/json", NotFound), (status, mediaType, Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public async Task A_Linked_Object_Whose_Bytes_Are_Missing_Is_404()
    {
        var oid = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("never uploaded " + TestIds.Next())));
        await fixture.App.Services.GetRequiredService<LfsObjectStore>().LinkAsync(oid, 10, 3);
        var (status, _, body, _) = await ShellGetAsync($"?oid={oid}&gl_repository=project-3");
        Assert.Equal((HttpStatusCode.NotFound, NotFound), (status, Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public async Task Missing_Parameters_Are_Grapes_400()
    {
        var (status, _, body, _) = await ShellGetAsync("");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"oid is missing, gl_repository is missing"}"""), (status, Encoding.UTF8.GetString(body)));
        (status, _, body, _) = await ShellGetAsync($"?oid={DemoOid}");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"gl_repository is missing"}"""), (status, Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public async Task Only_The_Shell_Jwt_Opens_It()
    {
        var query = $"?oid={DemoOid}&gl_repository=project-3";
        const string Unauthorized = """{"message":"401 Unauthorized"}""";
        foreach (var headers in new[]
        {
            Array.Empty<(string, string)>(),
            [(RequestAuthenticator.ShellHeader, "x.y.z")],
            [(RequestAuthenticator.ShellHeader, fixture.App.KasToken())],
            [(RequestAuthenticator.KasHeader, fixture.App.KasToken())],
            [(RequestAuthenticator.WorkhorseHeader, TestApp.WorkhorseToken()), (RequestAuthenticator.WorkhorseVersionHeader, "v18.6.0")],
        })
        {
            var (status, _, body, _) = await GetAsync(query, headers);
            Assert.Equal((HttpStatusCode.Unauthorized, Unauthorized), (status, Encoding.UTF8.GetString(body)));
        }
    }

    [Fact]
    public async Task The_Operator_Command_Stores_Checks_And_Links_An_Object()
    {
        var stores = StoreSet.Of(fixture.App.Services);
        var id = TestIds.Next();
        await stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "lfs", FullPath = "lfs" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"lfs{id}/p", DefaultBranch = "main" };
        await stores.Projects.UpsertProjectAsync(project);

        // Larger than one read of the blob's stream, so that the answer is streamed in pieces.
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var oid = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = Path.Combine(Path.GetTempPath(), $"lfs-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            string[] storage = ["--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString];
            using var error = new StringWriter();
            Assert.Equal(1, await LfsCommand.RunAsync(["upload", "--project", project.FullPath, "--oid", new string('a', 64), file, .. storage], TextWriter.Null, error));
            Assert.Contains($"has oid {oid}", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await ShellGetAsync($"?oid={oid}&gl_repository={project.GlRepository}")).Status);
            Assert.Equal(1, await LfsCommand.RunAsync(["upload", "--project", "no/such-project", file, .. storage], TextWriter.Null, TextWriter.Null));
            Assert.Equal(2, await LfsCommand.RunAsync(["upload", file], TextWriter.Null, TextWriter.Null));

            using var output = new StringWriter();
            Assert.Equal(0, await LfsCommand.RunAsync(["upload", "--project", project.FullPath, "--oid", oid, file, .. storage], output, TextWriter.Null));
            Assert.Contains("stored, linked to", output.ToString(), StringComparison.Ordinal);
            var (status, mediaType, body, length) = await ShellGetAsync($"?oid={oid}&gl_repository={project.GlRepository}");
            Assert.Equal((HttpStatusCode.OK, "application/octet-stream", (long?)bytes.Length), (status, mediaType, length));
            Assert.Equal(oid, Convert.ToHexStringLower(SHA256.HashData(body)));

            // Again: the same bytes are there already; linking to a second project (by id) makes it that project's too.
            using var again = new StringWriter();
            Assert.Equal(0, await LfsCommand.RunAsync(["upload", "--project", "3", file, .. storage], again, TextWriter.Null));
            Assert.Contains("already stored, linked to gnuwget/wget2", again.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await ShellGetAsync($"?oid={oid}&gl_repository=project-3")).Status);
        }
        finally
        {
            File.Delete(file);
        }
    }
    [Fact]
    public async Task The_Import_Checks_The_Content_Against_Oid_And_Size_Before_Writing()
    {
        var folder = Directory.CreateTempSubdirectory("lfs-import");
        try
        {
            var bytes = Encoding.UTF8.GetBytes("imported LFS object " + TestIds.Next() + "\n");
            var oid = Convert.ToHexStringLower(SHA256.HashData(bytes));
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "object.bin"), bytes);
            var file = Path.Combine(folder.FullName, "lfs.json");
            string[] storage = ["--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString];

            var wrong = $$"""
                { "lfs_objects": [
                  { "oid": "{{new string('b', 64)}}", "size": {{bytes.Length + 1}}, "content_file": "object.bin", "project_ids": [3] },
                  { "oid": "{{oid}}", "size": {{bytes.Length}}, "content_file": "missing.bin", "project_ids": [999999999] },
                  { "oid": "not-an-oid", "size": 1, "content_file": "object.bin" }
                ] }
                """;
            await File.WriteAllTextAsync(file, wrong);
            using var error = new StringWriter();
            Assert.Equal(1, await ImportCommand.RunAsync([file, .. storage], TextWriter.Null, error));
            Assert.Contains("$.lfs_objects[0].size: is " + (bytes.Length + 1), error.ToString(), StringComparison.Ordinal);
            Assert.Contains("$.lfs_objects[0].oid: is not the SHA-256 of the content (" + oid + ")", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("$.lfs_objects[1].content_file: no such file", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("$.lfs_objects[1].project_ids: unknown project 999999999", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("$.lfs_objects[2].oid: must be a SHA-256", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await ShellGetAsync($"?oid={oid}&gl_repository=project-3")).Status);

            await File.WriteAllTextAsync(file, $$"""{ "lfs_objects": [ { "oid": "{{oid}}", "size": {{bytes.Length}}, "content_file": "object.bin", "project_ids": [3] } ] }""");
            using var output = new StringWriter();
            Assert.Equal(0, await ImportCommand.RunAsync([file, .. storage], output, TextWriter.Null));
            Assert.Contains("imported     1 lfs objects", output.ToString(), StringComparison.Ordinal);
            var (status, _, body, _) = await ShellGetAsync($"?oid={oid}&gl_repository=project-3");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(bytes, body);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

using System.Text;
using BenchmarkDotNet.Attributes;
using InternalApi.Functions.Functions.Git;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http;

namespace InternalApi.Benchmarks;

/// <summary>
/// <c>/allowed</c>'s body into <see cref="AllowedRequest"/> through <see cref="RequestBinder"/> (query and body
/// merged by <see cref="RequestParameters"/>, then the source-generated deserializer), as the function binds
/// it. Each call gets a new <see cref="DefaultHttpContext"/> over a read-only stream of the body: the
/// <see cref="NewContext"/> row is that overhead alone, to subtract.
/// </summary>
[MemoryDiagnoser]
public class BindingBenchmarks
{
    // gitlab-shell's pull: JSON, changes "_any", the client's environment as a JSON string.
    private static readonly byte[] PullJson = Encoding.UTF8.GetBytes(
        """{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","env":"{\"GIT_PROTOCOL\":\"version=2\"}","key_id":"11","check_ip":"127.0.0.1"}""");

    // Gitaly's pre-receive check of a push to a protected branch, with the real change line.
    private static readonly byte[] PushJson = Encoding.UTF8.GetBytes(
        """{"action":"git-receive-pack","gl_repository":"project-20","project":"/var/opt/gitlab/git-data/repositories/@hashed/f5/ca/f5ca38f748a1d6eaf726b8a42fb575c3c71f1864a8143301782de13da2d9202b.git","changes":"1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/main\n","protocol":"ssh","env":"{\"GIT_ALTERNATE_OBJECT_DIRECTORIES_RELATIVE\":[\"objects\"],\"GIT_OBJECT_DIRECTORY_RELATIVE\":\"objects/incoming-abc123\"}","key_id":"13","relative_path":"@hashed/f5/ca/f5ca38f748a1d6eaf726b8a42fb575c3c71f1864a8143301782de13da2d9202b.git"}""");

    // The same pull as a form body (older clients, curl -d).
    private static readonly byte[] PullForm = Encoding.UTF8.GetBytes(
        "action=git-upload-pack&project=gnuwget%2Fwget2.git&changes=_any&protocol=ssh&env=%7B%22GIT_PROTOCOL%22%3A%22version%3D2%22%7D&key_id=11&check_ip=127.0.0.1");

    // The push as a form body: the change line's spaces and newline escaped.
    private static readonly byte[] PushForm = Encoding.UTF8.GetBytes(
        "action=git-receive-pack&gl_repository=project-20&project=acme%2Fplatform%2Fapi.git&changes=1111111111111111111111111111111111111111+2222222222222222222222222222222222222222+refs%2Fheads%2Fmain%0A&protocol=ssh&key_id=13");

    /// <summary>The context and body stream alone (subtract from the rows below).</summary>
    [Benchmark]
    public HttpContext NewContext() => Context(PullJson, "application/json");

    /// <summary>A gitlab-shell pull, JSON.</summary>
    [Benchmark]
    public ValueTask<AllowedRequest> PullJsonBody() => RequestBinder.BindAsync(Context(PullJson, "application/json"), GitJsonContext.Default.AllowedRequest);

    /// <summary>A Gitaly push check with a change line, JSON.</summary>
    [Benchmark]
    public ValueTask<AllowedRequest> PushJsonBody() => RequestBinder.BindAsync(Context(PushJson, "application/json"), GitJsonContext.Default.AllowedRequest);

    /// <summary>The pull as a form body.</summary>
    [Benchmark]
    public ValueTask<AllowedRequest> PullFormBody() => RequestBinder.BindAsync(Context(PullForm, "application/x-www-form-urlencoded"), GitJsonContext.Default.AllowedRequest);

    /// <summary>The push as a form body.</summary>
    [Benchmark]
    public ValueTask<AllowedRequest> PushFormBody() => RequestBinder.BindAsync(Context(PushForm, "application/x-www-form-urlencoded"), GitJsonContext.Default.AllowedRequest);

    private static DefaultHttpContext Context(byte[] body, string contentType)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Path = "/api/v4/internal/allowed";
        request.ContentType = contentType;
        request.ContentLength = body.Length;
        request.Body = new MemoryStream(body, writable: false);
        return context;
    }
}

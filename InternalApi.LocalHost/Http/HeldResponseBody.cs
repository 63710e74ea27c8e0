using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InternalApi.LocalHost.Http;

/// <summary>
/// Holds back what the worker answers until the invocation's outcome is known, up to <c>limit</c> bytes: a failed
/// invocation is then answered with the host's JSON 500 instead of the worker's empty 200. Past the limit the
/// response is sent as it comes (a large answer is not kept in memory), and a failure after that can only cut it.
/// </summary>
internal sealed class HeldResponseBody(HttpContext context, IHttpResponseBodyFeature inner, int limit) : Stream, IHttpResponseBodyFeature
{
    private MemoryStream? _held = new();
    private PipeWriter? _writer;

    /// <summary>True once bytes or headers have gone to the caller.</summary>
    public bool Released => _held is null;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Sends what was held (the worker's answer stands).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken);
        }

        if (_held is { } held)
        {
            _held = null;
            await inner.StartAsync(cancellationToken);
            if (held.Length > 0)
            {
                await inner.Stream.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
            }
        }

        context.Features.Set(inner);
    }

    /// <summary>Drops what was held (the host answers instead); false when it has already gone out.</summary>
    public bool Discard()
    {
        context.Features.Set(inner);
        if (_held is null)
        {
            return false;
        }

        _held.SetLength(0);
        return true;
    }

    void IHttpResponseBodyFeature.DisableBuffering()
    {
    }

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    Task IHttpResponseBodyFeature.CompleteAsync() => _writer?.FlushAsync().AsTask() ?? Task.CompletedTask;

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _held is null ? inner.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_held is { } held)
        {
            if (held.Length + buffer.Length <= limit)
            {
                held.Write(buffer.Span);
                return;
            }

            // Too large to hold: what is held goes out first, then everything as it comes.
            _held = null;
            await inner.StartAsync(cancellationToken);
            await inner.Stream.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
        }

        await inner.Stream.WriteAsync(buffer, cancellationToken);
    }
}

using System.Text.Json;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.LocalHost;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.OpenApi;

/// <summary>
/// The OpenAPI document of this build, made once on first request from the <c>functions.metadata</c> and
/// <c>host.json</c> beside the app (<c>LocalHost:ScriptRoot</c> when the local host is pointed elsewhere) —
/// the files Core Tools and Azure read too. Lazy, so startup pays nothing for it.
/// </summary>
public sealed class OpenApiDocumentProvider
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<byte[]> _document;

    /// <summary>Creates the provider.</summary>
    public OpenApiDocumentProvider(IConfiguration configuration, IOptions<HttpOptions> http)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(http);
        var root = configuration[$"{LocalHostOptions.SectionName}:{nameof(LocalHostOptions.ScriptRoot)}"] ?? AppContext.BaseDirectory;
        _document = new Lazy<byte[]>(() =>
        {
            var functions = FunctionMetadata.Load(Path.Combine(root, "functions.metadata"));
            var document = OpenApiDocumentBuilder.Build(functions, HostJson.RoutePrefix(Path.Combine(root, "host.json")), http.Value.PathBase);
            return JsonSerializer.SerializeToUtf8Bytes(document, Indented);
        });
    }

    /// <summary>The document as UTF-8 JSON.</summary>
    public byte[] Document => _document.Value;
}

using System.Text.Json;

namespace InternalApi.Functions.OpenApi;

/// <summary>
/// The OpenAPI document of this build, made once on first request from the <c>functions.metadata</c> and
/// <c>host.json</c> of the function app (<c>FUNCTIONS_APPLICATION_DIRECTORY</c>, which every host sets for the
/// worker, else the app's own folder) — the files Core Tools and Azure read too. Lazy, so startup pays nothing for it.
/// </summary>
public sealed class OpenApiDocumentProvider
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<byte[]> _document;

    /// <summary>Creates the provider.</summary>
    public OpenApiDocumentProvider(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration["FUNCTIONS_APPLICATION_DIRECTORY"] is { Length: > 0 } app ? app : AppContext.BaseDirectory;
        _document = new Lazy<byte[]>(() =>
        {
            var functions = FunctionMetadata.Load(Path.Combine(root, "functions.metadata"));
            var document = OpenApiDocumentBuilder.Build(functions, HostJson.RoutePrefix(Path.Combine(root, "host.json")));
            return JsonSerializer.SerializeToUtf8Bytes(document, Indented);
        });
    }

    /// <summary>The document as UTF-8 JSON.</summary>
    public byte[] Document => _document.Value;
}

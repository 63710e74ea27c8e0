using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions;

/// <summary>
/// <c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of every HTTP function of this build, generated from
/// its function metadata and wire types. Unauthenticated, like the liveness probe: it describes the API and
/// holds no data.
/// </summary>
public sealed class OpenApiDocument(OpenApiDocumentProvider provider)
{
    /// <summary>The document, as <c>application/json</c>.</summary>
    [Function(nameof(OpenApiDocument))]
    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        TypedResults.Bytes(provider.Document, "application/json").AsAction();
}

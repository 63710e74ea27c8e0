using System.Text.Json.Nodes;
using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Functions.Functions.Scim;

/// <summary>
/// The HTTP side of the five SCIM operations, shared by the group and the instance functions: each function
/// only declares its route and auth kind; the scope the authenticator found decides which identities are meant.
/// </summary>
public static class ScimHttp
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary><c>GET …/Users</c> with <c>filter</c>, <c>startIndex</c>, <c>count</c> → 200 list response.</summary>
    public static Task<IActionResult> ListAsync(ScimProvisioningService service, HttpRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, async (scope, parameters) =>
        {
            var page = await service.ListAsync(scope, Text(parameters["filter"]), Text(parameters["startIndex"]), Text(parameters["count"]), cancellationToken);
            var body = new ScimListResponse([ListSchema], page.TotalResults, page.ItemsPerPage, page.StartIndex, [.. page.Resources.Select(Resource)]);
            return TypedResults.Json(body, ScimJsonContext.Wire.ScimListResponse, ScimScopeContext.MediaType).AsAction();
        });

    /// <summary><c>GET …/Users/:id</c> → 200 User resource, or 404.</summary>
    public static Task<IActionResult> GetAsync(ScimProvisioningService service, HttpRequest request, string? id, CancellationToken cancellationToken) =>
        RunAsync(request, async (scope, _) =>
            UserResult(await service.GetAsync(scope, Id(id), cancellationToken), StatusCodes.Status200OK));

    /// <summary><c>POST …/Users</c> → 201 User resource.</summary>
    public static Task<IActionResult> CreateAsync(ScimProvisioningService service, HttpRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, async (scope, parameters) =>
            UserResult(await service.CreateAsync(scope, ScimRequestReader.Create(parameters), cancellationToken), StatusCodes.Status201Created));

    /// <summary><c>PATCH …/Users/:id</c> with <c>Operations</c> → 204.</summary>
    public static Task<IActionResult> PatchAsync(ScimProvisioningService service, HttpRequest request, string? id, CancellationToken cancellationToken) =>
        RunAsync(request, async (scope, parameters) =>
        {
            // Grape's answer for the one required parameter: absent or not an array.
            var patch = ScimRequestReader.Patch(parameters) ?? throw ApiErrorException.Parameters([parameters.ContainsKey("Operations") ? "Operations is invalid" : "Operations is missing"]);
            await service.PatchAsync(scope, Id(id), patch, cancellationToken);
            return TypedResults.NoContent().AsAction();
        });

    /// <summary><c>DELETE …/Users/:id</c> → 204.</summary>
    public static Task<IActionResult> DeleteAsync(ScimProvisioningService service, HttpRequest request, string? id, CancellationToken cancellationToken) =>
        RunAsync(request, async (scope, _) =>
        {
            await service.DeleteAsync(scope, Id(id), cancellationToken);
            return TypedResults.NoContent().AsAction();
        });

    /// <summary>Reads the parameters (every function reads them, so malformed input is refused alike) and maps SCIM failures to E5.</summary>
    private static async Task<IActionResult> RunAsync(HttpRequest request, Func<ScimScope, JsonObject, Task<IActionResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = request.HttpContext.ScimScope();
        var parameters = await RequestBinder.DocumentAsync(request.HttpContext);
        try
        {
            return await handle(scope, parameters);
        }
        catch (ScimException ex)
        {
            return Refusal(ex).ToResult(ScimScopeContext.MediaType);
        }
    }

    /// <summary>GitLab's status for each kind of SCIM failure, in the SCIM error object (E5).</summary>
    internal static ApiErrorException Refusal(ScimException failure) => ApiErrorException.Scim(
        failure.Kind switch
        {
            ScimErrorKind.NotFound => StatusCodes.Status404NotFound,
            ScimErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status412PreconditionFailed,
        },
        failure.Detail);

    private static IActionResult UserResult(ScimUser user, int status) =>
        TypedResults.Json(Resource(user), ScimJsonContext.Wire.ScimUserResource, ScimScopeContext.MediaType, status).AsAction();

    private static ScimUserResource Resource(ScimUser user) =>
        new([UserSchema], user.Id, user.Active, user.Name, user.UserName, new ScimMeta("User"), [new ScimEmail("work", user.Email, true)]);

    /// <summary>The <c>:id</c> of the route: any non-empty text, dots, <c>@</c> and slashes included.</summary>
    private static string Id(string? id) => ScimScopeContext.DecodeSlashes(id ?? "");

    private static string? Text(JsonNode? node) => node is JsonValue v ? v.ToString() : null;
}

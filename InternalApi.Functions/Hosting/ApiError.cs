using System.Text.Json.Nodes;

namespace InternalApi.Functions.Hosting;

/// <summary>GitLab's E2/E3 error shape: <c>{"message": ...}</c>.</summary>
public sealed record MessageError(string Message);

/// <summary>GitLab's E1 error shape (framework errors, parameter validation): <c>{"error": "..."}</c>.</summary>
public sealed record ParameterError(string Error);

/// <summary>The refusals of <c>/allowed</c> and <c>git_audit_event</c>: <c>{"status":false,"message":"..."}</c>.</summary>
/// <param name="Status">Always false.</param>
/// <param name="Message">GitLab's text.</param>
public sealed record StatusMessageError(bool Status, string Message)
{
    /// <summary>A refusal with GitLab's text.</summary>
    public static StatusMessageError Refused(string message) => new(false, message);
}

/// <summary>
/// GitLab's error answers, built in this one place (spec §1.4): <c>{"message":"..."}</c> (E2/E3, also with an object
/// message), <c>{"error":"..."}</c> (E1: Grape's parameter and framework errors), the SCIM error object (E5) and the
/// few OAuth-style bodies. Core refuses in domain terms (a kind and GitLab's text); each area's edge maps its
/// kinds here (<c>SubscriptionRefusals</c>, <c>ScimRefusals</c>, <c>KasRefusals</c>, <c>AccessDenialStatus</c>).
/// Thrown while reading, binding or handling a request, the pipeline answers it with its status and body;
/// nothing has been written when it is thrown.
/// </summary>
public sealed class ApiErrorException : Exception
{
    private ApiErrorException(int status, JsonObject body, string summary)
        : base(summary)
    {
        Status = status;
        Body = body;
    }

    /// <summary>HTTP status to answer.</summary>
    public int Status { get; }

    /// <summary>JSON body to answer.</summary>
    public JsonObject Body { get; }

    /// <summary>E1 400: <c>{"error":"key is missing, name is missing"}</c>.</summary>
    public static ApiErrorException Parameters(IEnumerable<string> problems)
    {
        var text = string.Join(", ", problems);
        return new(400, new JsonObject { ["error"] = text }, text);
    }

    /// <summary>E1 with another status: <c>{"error":"&lt;text&gt;"}</c> (framework errors, e.g. 415).</summary>
    public static ApiErrorException WithError(int status, string error) =>
        new(status, new JsonObject { ["error"] = error }, error);

    /// <summary>
    /// The OAuth bearer-token error of a personal access token (RFC 6750, as Doorkeeper renders it):
    /// <c>{"error":"insufficient_scope","error_description":"...","scope":"api"}</c>, <c>invalid_token</c>.
    /// </summary>
    public static ApiErrorException OAuth(int status, string error, string description, string? scope = null)
    {
        var body = new JsonObject { ["error"] = error, ["error_description"] = description };
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        return new(status, body, $"{error}: {description}");
    }

    /// <summary>E2: <c>{"message":"&lt;text&gt;"}</c> with a status.</summary>
    public static ApiErrorException WithMessage(int status, string message) =>
        new(status, new JsonObject { ["message"] = message }, message);

    /// <summary>E3 with an object: <c>{"message":{...}}</c> (the model's errors, a service's error).</summary>
    public static ApiErrorException WithMessage(int status, JsonObject message, string summary) =>
        new(status, new JsonObject { ["message"] = message }, summary);

    /// <summary>E5, the SCIM error object: <c>{"schemas":[…Error],"detail":…,"status":&lt;number&gt;}</c>.</summary>
    public static ApiErrorException Scim(int status, string detail) => new(status, new JsonObject
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:Error"),
        ["detail"] = detail,
        ["status"] = status,
    }, detail);

    /// <summary>The answer: the status and the body, as <paramref name="mediaType"/>.</summary>
    public Microsoft.AspNetCore.Mvc.IActionResult ToResult(string mediaType = "application/json") => HttpFunctionPipeline.Json(Status, Body, mediaType);
}

/// <summary>Collects parameter problems in GitLab's wording.</summary>
public sealed class ParameterErrors
{
    private readonly List<string> _problems = [];

    /// <summary>True when nothing was reported.</summary>
    public bool IsEmpty => _problems.Count == 0;

    /// <summary>Reports <c>&lt;name&gt; is missing</c>.</summary>
    public void Missing(string name) => _problems.Add($"{name} is missing");

    /// <summary>Reports <c>&lt;name&gt; is invalid</c>.</summary>
    public void Invalid(string name) => _problems.Add($"{name} is invalid");

    /// <summary>Reports a free-form problem.</summary>
    public void Add(string problem) => _problems.Add(problem);

    /// <summary>Throws a 400 when anything was reported.</summary>
    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw ApiErrorException.Parameters(_problems);
        }
    }
}

/// <summary>A request model that checks its own required parameters after binding.</summary>
public interface IValidatedRequest
{
    /// <summary>Reports missing or invalid parameters.</summary>
    void Validate(ParameterErrors errors);
}

using System.Text.Json.Nodes;

namespace InternalApi.Functions.Hosting;

/// <summary>GitLab's E2/E3 error shape: <c>{"message": ...}</c>.</summary>
public sealed record MessageError(string Message);

/// <summary>GitLab's E1 error shape (framework errors, parameter validation): <c>{"error": "..."}</c>.</summary>
public sealed record ParameterError(string Error);

/// <summary>
/// Thrown while reading or binding a request when the request itself is at fault; the error
/// middleware turns it into the given status and JSON body. Nothing has been written when it is thrown.
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

    /// <summary>Any other body with a status (the SCIM error object, E5).</summary>
    public static ApiErrorException WithBody(int status, JsonObject body, string summary) =>
        new(status, body, summary);
    /// <summary>Any JSON body with a status (e.g. the 403 <c>insufficient_scope</c> of a personal access token).</summary>
    public static ApiErrorException WithBody(int status, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new(status, body, body.ToJsonString());
    }

    /// <summary>E2: <c>{"message":"&lt;text&gt;"}</c> with a status.</summary>
    public static ApiErrorException WithMessage(int status, string message) =>
        new(status, new JsonObject { ["message"] = message }, message);
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

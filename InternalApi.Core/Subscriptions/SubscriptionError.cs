using System.Text.Json.Nodes;

namespace InternalApi.Core.Subscriptions;

/// <summary>
/// A refusal of a CustomersDot/Admin Area request with GitLab's status and exact body (spec §1.4). Thrown
/// before anything is written, so the caller may answer it as it is.
/// </summary>
public sealed class SubscriptionException : Exception
{
    private SubscriptionException(int status, JsonObject body, string summary)
        : base(summary)
    {
        Status = status;
        Body = body;
    }

    /// <summary>HTTP status.</summary>
    public int Status { get; }

    /// <summary>JSON body.</summary>
    public JsonObject Body { get; }

    /// <summary>E2/E3 <c>{"message":"..."}</c>.</summary>
    public static SubscriptionException WithMessage(int status, string message) => new(status, new JsonObject { ["message"] = message }, message);

    /// <summary>E1 <c>{"error":"a is missing, b is invalid"}</c> (parameter validation, 400).</summary>
    public static SubscriptionException Parameters(IEnumerable<string> problems)
    {
        var text = string.Join(", ", problems);
        return new(400, new JsonObject { ["error"] = text }, text);
    }

    /// <summary>A model validation failure: 400 <c>{"message":{"attribute":["error"]}}</c>.</summary>
    public static SubscriptionException Validation(string attribute, string error) =>
        new(400, new JsonObject { ["message"] = new JsonObject { [attribute] = new JsonArray(error) } }, $"{attribute} {error}");

    /// <summary>E3 with an object: <c>{"message":{"error":"..."}}</c> (upcoming reconciliations).</summary>
    public static SubscriptionException MessageError(int status, string error) =>
        new(status, new JsonObject { ["message"] = new JsonObject { ["error"] = error } }, error);

    /// <summary><c>404 Namespace Not Found</c>.</summary>
    public static SubscriptionException NamespaceNotFound() => WithMessage(404, "404 Namespace Not Found");

    /// <summary><c>400 Bad request - reason</c>.</summary>
    public static SubscriptionException BadRequest(string reason) => WithMessage(400, "400 Bad request - " + reason);
}

namespace InternalApi.Core.Subscriptions;

/// <summary>Why a CustomersDot/Admin Area request was refused (spec §1.4); the edge picks GitLab's status and body.</summary>
public enum SubscriptionRefusal
{
    /// <summary>Grape's <c>not_found!(resource)</c>: <c>404 &lt;resource&gt; Not Found</c>.</summary>
    NotFound,

    /// <summary>Grape's <c>bad_request!(reason)</c>: <c>400 Bad request - &lt;reason&gt;</c>.</summary>
    BadRequest,

    /// <summary>GitLab's <c>forbidden!(reason)</c>: <c>403 Forbidden - &lt;reason&gt;</c>.</summary>
    Forbidden,

    /// <summary>The model refused the save: one attribute and its error (<c>seats can't be blank</c>).</summary>
    Invalid,

    /// <summary>A service's error result, rendered as an object with an <c>error</c> text (upcoming reconciliations).</summary>
    ServiceError,
}

/// <summary>
/// A refusal of a CustomersDot/Admin Area request, in domain terms: a kind and GitLab's text. Thrown before
/// anything is written, so the caller may answer it as it is (the edge's <c>SubscriptionRefusals</c> maps it to
/// GitLab's status and exact body).
/// </summary>
public sealed class SubscriptionException : Exception
{
    private SubscriptionException(SubscriptionRefusal kind, string? subject, string? error, string summary)
        : base(summary)
    {
        Kind = kind;
        Subject = subject;
        Error = error;
    }

    /// <summary>The kind of refusal.</summary>
    public SubscriptionRefusal Kind { get; }

    /// <summary>
    /// What the refusal names: the resource (<see cref="SubscriptionRefusal.NotFound"/>, null for a bare "Not Found"),
    /// the reason (<see cref="SubscriptionRefusal.BadRequest"/>, <see cref="SubscriptionRefusal.Forbidden"/>) or the
    /// attribute (<see cref="SubscriptionRefusal.Invalid"/>).
    /// </summary>
    public string? Subject { get; }

    /// <summary>The error text of <see cref="SubscriptionRefusal.Invalid"/> and <see cref="SubscriptionRefusal.ServiceError"/>.</summary>
    public string? Error { get; }

    /// <summary><c>404 &lt;resource&gt; Not Found</c> (<c>404 Not Found</c> without one).</summary>
    public static SubscriptionException NotFound(string? resource) =>
        new(SubscriptionRefusal.NotFound, resource, null, resource is null ? "Not Found" : $"{resource} Not Found");

    /// <summary><c>404 Namespace Not Found</c>.</summary>
    public static SubscriptionException NamespaceNotFound() => NotFound("Namespace");

    /// <summary><c>400 Bad request - reason</c>.</summary>
    public static SubscriptionException BadRequest(string reason) => new(SubscriptionRefusal.BadRequest, reason, null, reason);

    /// <summary><c>403 Forbidden - reason</c>.</summary>
    public static SubscriptionException Forbidden(string reason) => new(SubscriptionRefusal.Forbidden, reason, null, reason);

    /// <summary>A model validation failure of one attribute.</summary>
    public static SubscriptionException Validation(string attribute, string error) =>
        new(SubscriptionRefusal.Invalid, attribute, error, $"{attribute} {error}");

    /// <summary>A service's error result.</summary>
    public static SubscriptionException ServiceError(string error) => new(SubscriptionRefusal.ServiceError, null, error, error);
}

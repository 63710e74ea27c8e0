using System.Text.Json.Serialization;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// GitLab's internal namespace entity (<c>Entities::Internal::Namespace</c>). The keys GitLab writes only for a
/// namespace with a subscription, or only for a group, are left out otherwise.
/// </summary>
public sealed record InternalNamespaceResponse(
    long Id,
    string Name,
    string Path,
    string Kind,
    string FullPath,
    long? ParentId,
    string? AvatarUrl,
    string WebUrl,
    long? SharedRunnersMinutesLimit,
    long? ExtraSharedRunnersMinutesLimit,
    long? AdditionalPurchasedStorageSize,
    string? AdditionalPurchasedStorageEndsOn,
    long BillableMembersCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SeatsInUse,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MaxSeatsUsed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EndDate,
    string Plan,
    string? TrialEndsOn,
    bool Trial,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MembersCountWithDescendants);

/// <summary><c>UserSafe</c>: who a member is.</summary>
public sealed record SafeUser(long Id, string Username, string Name);

/// <summary>A direct owner of a group (<c>Entities::Internal::Member</c>).</summary>
public sealed record OwnerResponse(SafeUser User, int AccessLevel, string? NotificationEmail);

/// <summary>GitLab's internal user entity.</summary>
public sealed record InternalUserResponse(long Id, string Username, string Name, string WebUrl);

/// <summary>What a user may do in a namespace.</summary>
public sealed record UserPermissionsResponse(bool EditBilling);

/// <summary>An add-on purchase as the internal routes show it (with <c>started_on</c> and <c>trial</c>).</summary>
public sealed record InternalAddOnPurchaseResponse(long NamespaceId, string NamespaceName, string AddOn, long Quantity, string? StartedOn, string ExpiresOn, string PurchaseXid, bool Trial);

/// <summary>The answer to a credit card validation: GitLab's doc shows <c>{"success":{}}</c>.</summary>
public sealed record CreditCardValidationResponse(EmptyObject Success);

/// <summary>An empty JSON object.</summary>
public sealed record EmptyObject;

/// <summary>Source-generated serialization for CustomersDot's internal routes: snake_case, nulls written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(InternalNamespaceResponse))]
[JsonSerializable(typeof(IReadOnlyList<OwnerResponse>))]
[JsonSerializable(typeof(InternalUserResponse))]
[JsonSerializable(typeof(UserPermissionsResponse))]
[JsonSerializable(typeof(InternalAddOnPurchaseResponse))]
[JsonSerializable(typeof(IReadOnlyList<InternalAddOnPurchaseResponse>))]
[JsonSerializable(typeof(CreditCardValidationResponse))]
public sealed partial class CustomersDotJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with.</summary>
    public static CustomersDotJsonContext Wire { get; } = new(WireJsonOptions.Create());
}

/// <summary>Shapes the internal routes share.</summary>
internal static class CustomersDotJson
{
    /// <summary>An add-on purchase on the wire.</summary>
    public static InternalAddOnPurchaseResponse Purchase(AddOnPurchase p, string namespaceName) =>
        new(p.NamespaceId, namespaceName, AddOnPurchaseService.AddOns[p.AddOn], p.Quantity, AdminJson.Date(p.StartedOn), AdminJson.Date(p.ExpiresOn)!, p.PurchaseXid, p.Trial);

    /// <summary>GitLab's <c>web_url</c> of a user.</summary>
    public static string UserUrl(InternalApi.Core.GitLabOptions settings, User user) =>
        InternalApi.Core.Access.GitAccessService.ExternalUrl(settings) + "/" + user.Username;
}

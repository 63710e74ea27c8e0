namespace InternalApi.Core.Scim;

/// <summary>Instance settings the SCIM APIs depend on (section <c>Scim</c>; spec §6.2, §6.8).</summary>
public sealed class ScimOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Scim";

    /// <summary>
    /// The group SAML OmniAuth provider is configured on the instance. Off: every group SCIM call answers
    /// 403 <c>403 Forbidden - Group SAML not enabled.</c>, before the group or the token is looked at.
    /// </summary>
    public bool GroupSamlEnabled { get; set; } = true;

    /// <summary>
    /// Instance SAML is configured and the licence includes instance SCIM (self-managed). Off (GitLab's default):
    /// every instance SCIM call answers 404 <c>404 Not Found</c> before the token is checked.
    /// </summary>
    public bool InstanceSamlEnabled { get; set; }
}

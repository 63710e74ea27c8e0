namespace InternalApi.Core.Subscriptions;

/// <summary>Settings of the CustomersDot and Admin Area endpoints (section <c>Subscriptions</c>).</summary>
public sealed class SubscriptionOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Subscriptions";

    /// <summary>
    /// Stands in for GitLab's <c>should_check_namespace_plan</c> (true only on GitLab.com): without it storage limit
    /// exclusions and upcoming reconciliations answer 403 (spec §1.11). Off by default, as on a self-managed
    /// instance; the demo configuration turns it on.
    /// </summary>
    public bool GitLabCom { get; set; }

    /// <summary>
    /// Also read an admin token from a header literally named <c>TOKEN</c>, as the doc's subscription examples
    /// send it (spec §1.7 E, appendix B point 3: GitLab's token finder does not list it). Off by default.
    /// </summary>
    public bool AcceptTokenHeader { get; set; }
}

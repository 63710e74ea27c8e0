namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Why a kas module call (Starboard, security policies, Cilium alerts) was refused. The Functions edge answers each with
/// GitLab's status code and text (404, 403, 400, 402 "Payment Required").
/// </summary>
public enum KasRefusal
{
    /// <summary>No such agent, project or configuration the agent may see.</summary>
    NotFound,

    /// <summary>The agent's project may not use the module.</summary>
    Forbidden,

    /// <summary>The payload is one GitLab's model refuses (with GitLab's message where it has one).</summary>
    Invalid,

    /// <summary>The licence feature is off.</summary>
    NotLicensed,
}

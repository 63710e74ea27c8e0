namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Where KAS puts the agent token. A current KAS sends it in <c>Gitlab-Agent-Api-Request: &lt;token&gt;</c> (one
/// header for every kind of agent); the KAS before it used <c>Gitlab-Agentk-Api-Request</c>, and older ones
/// <c>Authorization: Bearer &lt;token&gt;</c> (also in the <c>Token token="&lt;token&gt;"</c> form Rails' token
/// parser reads). All three are accepted, the newest first (spec §4.1 as superseded by todays-callers §1).
/// </summary>
public static class AgentTokenHeader
{
    /// <summary>The header a current KAS sends the agent token in.</summary>
    public const string AgentHeader = "Gitlab-Agent-Api-Request";

    /// <summary>The header the previous KAS sent the agent token in.</summary>
    public const string AgentkHeader = "Gitlab-Agentk-Api-Request";

    private static readonly char[] PairDelimiters = [',', ';', '\t'];

    /// <summary>
    /// The token, or null when none is presented. The first of <c>Gitlab-Agent-Api-Request</c>,
    /// <c>Gitlab-Agentk-Api-Request</c> that is not blank is the token, whether or not it is valid (a bad token in
    /// a newer header is not rescued by an older one). Only without both is <c>Authorization</c> read; there a
    /// header that carries no usable token (another scheme, nothing after the scheme) presents none.
    /// </summary>
    public static string? Read(string? agentHeader, string? agentkHeader, string? authorization)
    {
        if (!string.IsNullOrWhiteSpace(agentHeader))
        {
            return agentHeader.Trim();
        }

        if (!string.IsNullOrWhiteSpace(agentkHeader))
        {
            return agentkHeader.Trim();
        }

        return string.IsNullOrWhiteSpace(authorization) ? null : FromAuthorization(authorization);
    }

    /// <summary>
    /// Rails' token parsing: the scheme is <c>Bearer</c> or <c>Token</c> (case-sensitive) and whitespace; the rest
    /// splits on <c>, ; tab</c>; the first part, with or without <c>token=</c>, is the token, one pair of
    /// surrounding quotes removed.
    /// </summary>
    private static string? FromAuthorization(string authorization)
    {
        var rest = Scheme(authorization, "Bearer") ?? Scheme(authorization, "Token");
        if (rest is null)
        {
            return null;
        }

        var first = rest.Split(PairDelimiters).Select(p => p.Trim()).FirstOrDefault(p => p.Length > 0);
        if (first is null)
        {
            return null;
        }

        var value = first.StartsWith("token=", StringComparison.Ordinal) ? first["token=".Length..] : first;
        if (value.StartsWith('"'))
        {
            value = value[1..];
        }

        if (value.EndsWith('"'))
        {
            value = value[..^1];
        }

        return value.Length == 0 ? null : value;
    }

    private static string? Scheme(string header, string scheme) =>
        header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.Ordinal) && char.IsWhiteSpace(header[scheme.Length])
            ? header[scheme.Length..].TrimStart()
            : null;
}

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Where KAS puts the agent token (spec §4.1): <c>Authorization: Bearer &lt;token&gt;</c>, also in the
/// <c>Token token="&lt;token&gt;"</c> form Rails' token parser reads; without an <c>Authorization</c>
/// header, newer KAS versions send it as <c>Gitlab-Agentk-Api-Request: &lt;token&gt;</c>.
/// </summary>
public static class AgentTokenHeader
{
    /// <summary>The header newer KAS versions use when there is no <c>Authorization</c>.</summary>
    public const string AgentkHeader = "Gitlab-Agentk-Api-Request";

    private static readonly char[] PairDelimiters = [',', ';', '\t'];

    /// <summary>
    /// The token, or null when none is presented. An <c>Authorization</c> header that is present wins even when
    /// it carries no usable token (another scheme, nothing after the scheme), as GitLab's finder decides.
    /// </summary>
    public static string? Read(string? authorization, string? agentkHeader)
    {
        if (!string.IsNullOrWhiteSpace(authorization))
        {
            return FromAuthorization(authorization);
        }

        return string.IsNullOrWhiteSpace(agentkHeader) ? null : agentkHeader.Trim();
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

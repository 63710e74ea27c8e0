using System.Text.RegularExpressions;
using InternalApi.Tests.Import;

namespace InternalApi.Tests.Security;

/// <summary>
/// Source-level: every place the app compares a presented credential with the expected one (JWT signatures,
/// the legacy shell secret, agent/SCIM/personal access token digests, the error tracking token, OTP codes)
/// does so through <c>CryptographicOperations.FixedTimeEquals</c> / <c>SecretDigest.FixedTimeEquals</c>, and
/// none of those files compares a secret-named value with <c>==</c>, <c>!=</c>, <c>Equals</c>,
/// <c>SequenceEqual</c> or <c>Compare</c>. Timing cannot be asserted reliably in a test; the code can.
/// </summary>
public sealed partial class ConstantTimeComparisonTests
{
    /// <summary>The credential checks, and how many fixed-time comparisons each must make (at least).</summary>
    private static readonly (string Path, int FixedTime)[] Checks =
    [
        ("InternalApi.Core/Auth/InternalJwt.cs", 1),                  // shell + KAS JWT signatures
        ("InternalApi.Core/Auth/InternalAuthenticator.cs", 1),        // legacy shell shared secret
        ("InternalApi.Core/Auth/PersonalAccessTokenAuthenticator.cs", 1),
        ("InternalApi.Core/Kubernetes/AgentTokenAuthenticator.cs", 1),
        ("InternalApi.Core/Scim/ScimTokenAuthenticator.cs", 1),
        ("InternalApi.Core/Shell/ErrorTrackingAccess.cs", 1),
        ("InternalApi.Core/TwoFactor/Totp.cs", 1),                    // OTP codes
        ("InternalApi.Core/Model/SecretDigest.cs", 1),                // the helper itself
        ("InternalApi.Core/Pages/PagesAuthenticator.cs", 0),           // delegates to InternalJwt (the Pages JWT)
        ("InternalApi.Core/Auth/WorkhorseAuthenticator.cs", 0),        // delegates the signature to InternalJwt
        ("InternalApi.Functions/Hosting/AdminTokenGate.cs", 0),        // delegates to the PAT authenticator
        ("InternalApi.Functions/Hosting/RequestAuthenticator.cs", 0),  // delegates to all of the above
        ("InternalApi.Core/TwoFactor/OtpCheckService.cs", 0),          // delegates to Totp.Match
        ("InternalApi.Core/Shell/RecoveryCodeService.cs", 0),          // issues codes, stores digests only
    ];

    [Fact]
    public void Every_Credential_Comparison_Is_Fixed_Time()
    {
        var problems = new List<string>();
        foreach (var (path, fixedTime) in Checks)
        {
            problems.AddRange(Problems(path, File.ReadAllText(Path.Combine(Root, path)), fixedTime));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Authenticator_Is_Checked()
    {
        // A new authenticator, or a new fixed-time comparison elsewhere, must join the list above.
        var listed = Checks.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var sources = new[] { "InternalApi.Core", "InternalApi.Functions" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        var missing = sources.Where(f =>
                (Path.GetFileName(f).EndsWith("Authenticator.cs", StringComparison.Ordinal) || Path.GetFileName(f).EndsWith("TokenGate.cs", StringComparison.Ordinal) ||
                 File.ReadAllText(Path.Combine(Root, f)).Contains("FixedTimeEquals(", StringComparison.Ordinal))
                && !listed.Contains(f) && !f.Contains("/Import/", StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "not checked: " + string.Join(", ", missing));
        Assert.All(listed, f => Assert.Contains(f, sources));
    }

    [Fact]
    public void Recovery_Codes_Are_Stored_As_Digests_Only()
    {
        var text = File.ReadAllText(Path.Combine(Root, "InternalApi.Core/Shell/RecoveryCodeService.cs"));
        Assert.Contains("codes.Select(SecretDigest.Sha256Hex)", text, StringComparison.Ordinal);
    }

    /// <summary>The checker itself: swapping any fixed-time call for <c>==</c> or <c>string.Equals</c> is caught.</summary>
    [Fact]
    public void The_Check_Fails_When_A_Comparison_Is_Swapped()
    {
        var swapped = 0;
        foreach (var (path, fixedTime) in Checks.Where(c => c.FixedTime > 0))
        {
            var text = File.ReadAllText(Path.Combine(Root, path));
            Assert.Empty(Problems(path, text, fixedTime));

            // (The helper's own parameters are named a and b; every caller's are checked instead.)
            if (!path.EndsWith("SecretDigest.cs", StringComparison.Ordinal))
            {
                var asEquals = FixedTimeCall().Replace(text, "string.Equals(");
                Assert.True(Problems(path, asEquals, 0).Any(p => p.Contains("Equals on a secret", StringComparison.Ordinal)), path + " with string.Equals is not caught");
            }

            var asOperator = SimpleFixedTimeCall().Replace(text, m => $"{m.Groups["a"].Value} == {m.Groups["b"].Value}");
            if (asOperator != text)
            {
                Assert.True(Problems(path, asOperator, 0).Any(p => p.Contains("with ==", StringComparison.Ordinal)), path + " with == is not caught");
                swapped++;
            }

            var asSequence = SimpleFixedTimeCall().Replace(text, m => $"{m.Groups["a"].Value}.SequenceEqual({m.Groups["b"].Value})");
            if (asSequence != text)
            {
                Assert.True(Problems(path, asSequence, 0).Any(p => p.Contains("SequenceEqual on a secret", StringComparison.Ordinal)), path + " with SequenceEqual is not caught");
            }
        }

        Assert.True(swapped >= 4, $"only {swapped} files had a simple call to swap");
        Assert.NotEmpty(Problems("x.cs", "if (presented != expected) { }", 0));
        Assert.NotEmpty(Problems("x.cs", "return stored.Digest.Equals(digest, StringComparison.Ordinal);", 0));
        Assert.NotEmpty(Problems("x.cs", "return string.CompareOrdinal(token, other) == 0;", 0));
        Assert.Empty(Problems("x.cs", "if (typed.Length != Digits || kind == FunctionAuth.ScimGroupToken || token == null) { }", 0));
    }

    private static IEnumerable<string> Problems(string path, string text, int fixedTime)
    {
        // Comments out, whitespace collapsed, so a comparison split over lines is still one match.
        var code = Whitespace().Replace(StripComments(text), " ");
        var count = FixedTimeCall().Count(code);
        if (count < fixedTime)
        {
            yield return $"{path}: {count} fixed-time comparison(s), expected at least {fixedTime}";
        }

        foreach (Match m in EqualityOperator().Matches(code))
        {
            var (a, b) = (m.Groups["a"].Value, m.Groups["b"].Value);
            if (!IsConstant(a) && !IsConstant(b) && (IsSecret(a) || IsSecret(b)))
            {
                yield return $"{path}: '{m.Value.Trim()}' compares a secret with {m.Groups["op"].Value}";
            }
        }

        foreach (Match m in ComparisonCall().Matches(code))
        {
            var args = Arguments(code, m.Index + m.Length);
            if (IsSecret(m.Groups["receiver"].Value) || args.Any(IsSecret))
            {
                yield return $"{path}: {m.Groups["call"].Value} on a secret: '{m.Value}{string.Join(",", args)})'";
            }
        }
    }

    /// <summary>
    /// Whether an expression holds a credential value: a secret-named identifier that is a value, not a receiver
    /// or a method (<c>stored.Digest</c>, <c>presented</c>, <c>HashData(key, …)</c>; not <c>stored.Token.Status</c>).
    /// </summary>
    private static bool IsSecret(string expression) =>
        ValueIdentifier().Matches(StringLiteral().Replace(expression, "\"\"")).Any(i => SecretWord().IsMatch(i.Value) || SecretCamel().IsMatch(i.Value));

    private static bool IsConstant(string expression) => ConstantExpression().IsMatch(expression.Trim());

    /// <summary>Top-level comma-separated arguments after an opening parenthesis at <paramref name="start"/>.</summary>
    private static List<string> Arguments(string line, int start)
    {
        var args = new List<string>();
        var depth = 0;
        var from = start;
        for (var i = start; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ',' when depth == 0:
                    args.Add(line[from..i]);
                    from = i + 1;
                    break;
                case ')' or ']' or '}' when depth == 0:
                    args.Add(line[from..i]);
                    return args;
                case ')' or ']' or '}':
                    depth--;
                    break;
            }
        }

        args.Add(line[from..]);
        return args;
    }

    private static string StripComments(string text) => LineComment().Replace(BlockComment().Replace(text, ""), "");

    private static string Root { get; } = Path.GetDirectoryName(Path.GetDirectoryName(ImportTests.FindDemo()))!;

    [GeneratedRegex(@"\b(?:CryptographicOperations|SecretDigest)\.FixedTimeEquals\(")]
    private static partial Regex FixedTimeCall();

    [GeneratedRegex(@"\b(?:CryptographicOperations|SecretDigest)\.FixedTimeEquals\((?<a>[\w.]+), (?<b>[\w.]+)\)")]
    private static partial Regex SimpleFixedTimeCall();

    [GeneratedRegex(@"(?<a>[!(]*[\w.\[\]""]+(?:\([^()]*\))?)\s*(?<op>==|!=)\s*(?<b>[\w.\[\]""]+(?:\([^()]*\))?)")]
    private static partial Regex EqualityOperator();

    [GeneratedRegex(@"(?<receiver>[\w.]*?)\.?(?<call>(?<!FixedTime)\bEquals|SequenceEqual|SequenceCompareTo|CompareOrdinal|Compare|CompareTo)\(")]
    private static partial Regex ComparisonCall();

    [GeneratedRegex(@"^(?i:token|digest|secret|signature|actual|expected|presented|input|attempt|typed|opens|key|code|otp|hash|password|jwt)s?$")]
    private static partial Regex SecretWord();

    [GeneratedRegex(@"^[a-z_]\w*(?:Token|Digest|Secret|Signature|Key|Code|Otp|Hash|Password|Jwt)s?$")]
    private static partial Regex SecretCamel();

    [GeneratedRegex(@"^(?:null|default|true|false|""""|string\.Empty|-?\d+[lL]?)$")]
    private static partial Regex ConstantExpression();

    [GeneratedRegex(@"\b[A-Za-z_]\w*\b(?!\s*[.(])")]
    private static partial Regex ValueIdentifier();

    [GeneratedRegex(@"""[^""]*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();
}

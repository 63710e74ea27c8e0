using System.Globalization;
using System.Text;
using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// A scan execution policy as the YAML GitLab answers in <c>scan_execution_policies</c> (spec §4.7): the policy
/// re-serialized the way Ruby's Psych writes a hash — a <c>---</c> document start, keys in policy order, block
/// sequences at their key's indentation, plain scalars unless they would read as something else (then single
/// quotes; double quotes for text with line breaks or control characters). Agents are a map keyed by agent name,
/// as in <c>policy.yml</c>.
/// </summary>
public static class PolicyYaml
{
    /// <summary>The policy's YAML document.</summary>
    public static string Write(ScanExecutionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var yaml = new StringBuilder("---\n");
        Pair(yaml, 0, "name", policy.Name);
        if (policy.Description is not null)
        {
            Pair(yaml, 0, "description", policy.Description);
        }

        yaml.Append("enabled: ").Append(policy.Enabled ? "true" : "false").Append('\n');
        yaml.Append("actions:\n");
        foreach (var action in policy.Actions)
        {
            Item(yaml, 0, "scan", action.Scan);
            if (action.ScannerProfile is not null)
            {
                Pair(yaml, 2, "scanner_profile", action.ScannerProfile);
            }

            if (action.SiteProfile is not null)
            {
                Pair(yaml, 2, "site_profile", action.SiteProfile);
            }
        }

        yaml.Append("rules:\n");
        foreach (var rule in policy.Rules)
        {
            Item(yaml, 0, "type", rule.Type);
            if (rule.Cadence is not null)
            {
                Pair(yaml, 2, "cadence", rule.Cadence);
            }

            if (rule.Branches.Count > 0)
            {
                List(yaml, 2, "branches", rule.Branches);
            }

            if (rule.Agents.Count > 0)
            {
                yaml.Append(' ', 2).Append("agents:\n");
                foreach (var agent in rule.Agents)
                {
                    yaml.Append(' ', 4).Append(Scalar(agent.AgentName)).Append(":\n");
                    if (agent.Namespaces.Count > 0)
                    {
                        List(yaml, 6, "namespaces", agent.Namespaces);
                    }
                    else
                    {
                        yaml.Append(' ', 6).Append("namespaces: []\n");
                    }
                }
            }
        }

        return yaml.ToString();
    }

    private static void Pair(StringBuilder yaml, int indent, string key, string value) =>
        yaml.Append(' ', indent).Append(key).Append(": ").Append(Scalar(value)).Append('\n');

    private static void Item(StringBuilder yaml, int indent, string key, string value) =>
        yaml.Append(' ', indent).Append("- ").Append(key).Append(": ").Append(Scalar(value)).Append('\n');

    private static void List(StringBuilder yaml, int indent, string key, IReadOnlyList<string> items)
    {
        yaml.Append(' ', indent).Append(key).Append(":\n");
        foreach (var item in items)
        {
            yaml.Append(' ', indent).Append("- ").Append(Scalar(item)).Append('\n');
        }
    }

    /// <summary>A string as a YAML scalar that reads back as the same string.</summary>
    public static string Scalar(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF'))
        {
            return DoubleQuoted(value);
        }

        return NeedsQuotes(value) ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;
    }

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 ||
        char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) ||
        "-?:,[]{}#&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal) ||
        value.Contains(": ", StringComparison.Ordinal) || value.Contains(" #", StringComparison.Ordinal) || value.EndsWith(':') ||
        ReadsAsSomethingElse(value);

    /// <summary>YAML 1.1 booleans and nulls, and numbers, which a plain scalar would turn into.</summary>
    private static bool ReadsAsSomethingElse(string value) =>
        value.ToLowerInvariant() is "~" or "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or ".inf" or "-.inf" or ".nan" ||
        double.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out _) ||
        (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && value.Length > 2 && value[2..].All(char.IsAsciiHexDigit)) ||
        (value.StartsWith("0o", StringComparison.OrdinalIgnoreCase) && value.Length > 2 && value[2..].All(c => c is >= '0' and <= '7'));

    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}

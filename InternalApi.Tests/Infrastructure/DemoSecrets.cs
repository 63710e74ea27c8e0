using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InternalApi.Tests.Import;

namespace InternalApi.Tests.Infrastructure;

/// <summary>The credential-like values of <c>data/demo.json</c>, for the tests that prove none leaks into logs or tables.</summary>
public static partial class DemoSecrets
{
    /// <summary>Every string held by a field named like a credential (token, secret, recovery codes, keys…).</summary>
    public static List<string> All()
    {
        var secrets = new List<string>();
        Walk(JsonNode.Parse(File.ReadAllText(ImportTests.FindDemo())), null, secrets);
        return secrets.Distinct(StringComparer.Ordinal).Where(s => s.Length >= 8).ToList();
    }

    private static void Walk(JsonNode? node, string? field, List<string> secrets)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    Walk(value, name, secrets);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, field, secrets);
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var text) && field is not null && SecretField().IsMatch(field):
                secrets.Add(text);
                break;
        }
    }

    [GeneratedRegex(@"^(token|secret|password|recovery_codes|otp_secret|.+_token|.+_secret|private_key)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretField();
}

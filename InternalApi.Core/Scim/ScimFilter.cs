using System.Text;

namespace InternalApi.Core.Scim;

/// <summary>What a supported filter searches by.</summary>
public enum ScimFilterField
{
    /// <summary><c>id</c> or <c>externalId</c>: the identity's external UID.</summary>
    ExternUid,

    /// <summary><c>userName</c>: an external UID, else a username, else an e-mail (spec §6.1).</summary>
    UserName,
}

/// <summary>A parsed <c>&lt;attribute&gt; eq &lt;value&gt;</c> filter.</summary>
public sealed record ScimFilter(ScimFilterField Attribute, string Value)
{
    /// <summary>GitLab's detail for every filter it cannot serve.</summary>
    public const string Unsupported = "Unsupported Filter";

    /// <summary>
    /// Parses <c>attribute SP eq SP value</c>. The value is either a JSON-style quoted string (spaces inside,
    /// <c>\"</c> and <c>\\</c> escapes; RFC 7644 §3.4.2.2) or a bare token (the doc's <c>id eq a-b-c-d</c>).
    /// Only <c>eq</c> (lower-case, as GitLab matches it) on <c>id</c>, <c>externalId</c> and <c>userName</c> is
    /// served; any other attribute, operator, trailing text or broken quoting is GitLab's catch-all refusal
    /// <c>Unsupported Filter</c>. GitLab's older builds split on spaces and so truncated quoted values at the
    /// first space; this parser keeps the whole value.
    /// </summary>
    public static ScimFilter Parse(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var text = filter.Trim();
        var first = text.IndexOf(' ', StringComparison.Ordinal);
        if (first <= 0)
        {
            throw ScimException.Refused(Unsupported);
        }

        var attribute = text[..first] switch
        {
            "id" or "externalId" => ScimFilterField.ExternUid,
            "userName" => ScimFilterField.UserName,
            _ => throw ScimException.Refused(Unsupported),
        };
        var rest = text[(first + 1)..];
        if (!rest.StartsWith("eq ", StringComparison.Ordinal))
        {
            throw ScimException.Refused(Unsupported);
        }

        var value = ParseValue(rest[3..]) ?? throw ScimException.Refused(Unsupported);
        return new ScimFilter(attribute, value);
    }

    /// <summary>The whole remaining text as one value, or null when it is not exactly one value.</summary>
    private static string? ParseValue(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (text[0] != '"')
        {
            // A bare token: no spaces, no quotes.
            return text.AsSpan().IndexOfAny(' ', '"') >= 0 ? null : text;
        }

        var value = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return i == text.Length - 1 ? value.ToString() : null;
            }

            if (c == '\\')
            {
                if (++i >= text.Length)
                {
                    return null;
                }

                switch (text[i])
                {
                    case '"' or '\\' or '/':
                        value.Append(text[i]);
                        break;
                    default:
                        return null;
                }

                continue;
            }

            value.Append(c);
        }

        // No closing quote.
        return null;
    }
}

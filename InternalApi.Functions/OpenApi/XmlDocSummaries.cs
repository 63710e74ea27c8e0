using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace InternalApi.Functions.OpenApi;

/// <summary>
/// The <c>&lt;summary&gt;</c> of each type, from the XML documentation file the compiler writes next to the
/// assembly, as plain text: the function classes already say what each endpoint does, so the OpenAPI
/// document reuses those words instead of a second description.
/// </summary>
public sealed partial class XmlDocSummaries
{
    private readonly Dictionary<string, string> _byMember;

    private XmlDocSummaries(Dictionary<string, string> byMember) => _byMember = byMember;

    /// <summary>Reads <c>&lt;assembly&gt;.xml</c> beside the assembly; empty when it is not there.</summary>
    public static XmlDocSummaries For(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        var byMember = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(assembly.Location) && File.Exists(path))
        {
            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                {
                    byMember[name] = PlainText(summary);
                }
            }
        }

        return new XmlDocSummaries(byMember);
    }

    /// <summary>The type's summary, or null.</summary>
    public string? Of(Type type) => type?.FullName is { } name && _byMember.TryGetValue("T:" + name.Replace('+', '.'), out var text) ? text : null;

    private static string PlainText(XElement summary)
    {
        // <see cref="T:X.Y"/> reads as its last segment; <c>..</c> keeps its text.
        foreach (var see in summary.Descendants("see").ToList())
        {
            var cref = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? "";
            see.ReplaceWith(cref[(cref.LastIndexOfAny([':', '.']) + 1)..]);
        }

        return Whitespace().Replace(summary.Value, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

using System.Reflection;
using System.Text.RegularExpressions;
using InternalApi.Tests.Import;

namespace InternalApi.Tests.Docs;

/// <summary>
/// The README's configuration table against the options classes the app binds: every setting an options
/// class has is documented, and every documented <c>Section:Key</c> is one the app reads.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static readonly Assembly[] AppAssemblies = [typeof(global::InternalApi.Core.GitLabOptions).Assembly, typeof(global::InternalApi.Functions.Hosting.HttpOptions).Assembly, typeof(global::InternalApi.LocalHost.LocalHostOptions).Assembly];

    /// <summary>Options classes: those with a <c>SectionName</c> constant, as every options class here has.</summary>
    private static IEnumerable<(string Section, Type Type)> OptionsClasses() =>
        AppAssemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));

    private static string ConfigurationTable()
    {
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ImportTests.FindDemo())!, "..", "README.md"));
        var start = readme.IndexOf("## Configuration", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no Configuration section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    [Fact]
    public void Every_Setting_Of_Every_Options_Class_Is_In_The_Readme()
    {
        var table = ConfigurationTable();
        var missing = new List<string>();
        foreach (var (section, type) in OptionsClasses())
        {
            if (table.Contains($"`{section}:*`", StringComparison.Ordinal))
            {
                continue; // a row for the whole section
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            {
                var key = $"{section}:{property.Name}";
                if (!table.Contains($"`{key}`", StringComparison.Ordinal) && !table.Contains($"`{key}:", StringComparison.Ordinal))
                {
                    missing.Add(key);
                }
            }
        }

        Assert.True(missing.Count == 0, "README's configuration table lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_Documented_Setting_Is_Read_By_The_App()
    {
        var known = OptionsClasses().ToList();
        Assert.NotEmpty(known);
        var unknown = new List<string>();
        foreach (Match match in DocumentedKey().Matches(ConfigurationTable()))
        {
            var section = match.Groups["section"].Value;
            var key = match.Groups["key"].Value;
            var options = known.Where(k => k.Section == section).Select(k => k.Type).ToList();
            if (options.Count == 0)
            {
                unknown.Add($"{section}:{key} (no options class binds section {section})");
            }
            else if (key != "*" && !options.Any(t => t.GetProperty(key, BindingFlags.Public | BindingFlags.Instance) is not null))
            {
                unknown.Add($"{section}:{key}");
            }
        }

        Assert.True(unknown.Count == 0, "README documents settings nothing reads: " + string.Join(", ", unknown));
    }

    // `Section:Key`, `Section:Key:<name>…` or `Section:*` inside backticks.
    [GeneratedRegex(@"`(?<section>[A-Z][A-Za-z]+):(?<key>\*|[A-Z][A-Za-z0-9]*)[`:]")]
    private static partial Regex DocumentedKey();
}

using System.Text.RegularExpressions;
using InternalApi.Tests.Import;

namespace InternalApi.Tests.Architecture;

/// <summary>
/// Core's areas import each other in one direction only: a newcomer can read an area knowing only what it imports.
/// Shared identity types live in <c>Identity</c>, storage plumbing in <c>Storage</c>, so no area needs one that needs it.
/// </summary>
public sealed partial class CoreNamespaceTests
{
    [Fact]
    public void Namespace_Imports_Inside_Core_Form_No_Cycle()
    {
        var imports = CoreImports();
        Assert.True(imports.Count > 5, "Core's sources were not found");

        var cycles = StronglyConnected(imports).Where(c => c.Count > 1).Select(c =>
            string.Join(" ⇄ ", c.Order(StringComparer.Ordinal)) + ": " + string.Join("; ", c.SelectMany(a => c.Where(b => imports[a].ContainsKey(b)).Select(b => $"{a} → {b} in {string.Join(", ", imports[a][b])}"))));
        Assert.Empty(cycles);
    }

    /// <summary>For each Core namespace, the Core namespaces its files import, with the files.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> CoreImports()
    {
        var root = Path.Combine(Path.GetDirectoryName(ImportTests.FindDemo())!, "..", "InternalApi.Core");
        var imports = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } ns)
            {
                continue;
            }

            var from = ns.Groups[1].Value;
            var edges = imports.TryGetValue(from, out var known) ? known : imports[from] = new(StringComparer.Ordinal);
            foreach (Match import in CoreUsing().Matches(text))
            {
                var to = import.Groups[1].Value;
                if (to != from)
                {
                    (edges.TryGetValue(to, out var files) ? files : edges[to] = []).Add(Path.GetFileName(file));
                }
            }
        }

        return imports;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, Dictionary<string, List<string>>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.TryGetValue(v, out var edges) ? edges.Keys : Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return components;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using (InternalApi\.Core(?:\.\w+)*);", RegexOptions.Multiline)]
    private static partial Regex CoreUsing();
}

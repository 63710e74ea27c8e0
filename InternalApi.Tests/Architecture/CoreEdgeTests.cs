using System.Reflection;
using System.Text.RegularExpressions;
using InternalApi.Core;
using InternalApi.Tests.Import;

namespace InternalApi.Tests.Architecture;

/// <summary>
/// Core speaks the domain, not HTTP: it takes typed requests and answers typed results or domain refusals, and the
/// edge (InternalApi.Functions) alone reads JSON parameters and picks GitLab's status codes and bodies. The import
/// of JSON files (<c>InternalApi.Core.Import</c>) is the one part of Core that reads JSON documents.
/// </summary>
public sealed partial class CoreEdgeTests
{
    private const string ImportNamespace = "InternalApi.Core.Import";

    private static readonly Assembly Core = typeof(GitLabOptions).Assembly;

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Core_Signatures_Use_No_Json_Nodes_Or_AspNetCore_Types_Outside_The_Import()
    {
        var found = new List<string>();
        foreach (var type in Core.GetTypes().Where(t => !InImport(t)))
        {
            foreach (var (member, used) in UsedTypes(type))
            {
                if (IsHttpOrJsonNode(used))
                {
                    found.Add($"{type.FullName}.{member}: {used.FullName}");
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void Core_Sources_Mention_No_Json_Nodes_Or_Status_Codes_Outside_The_Import()
    {
        // Reflection sees signatures; a method body that builds a JsonObject or picks StatusCodes.Status404NotFound
        // shows only in the source.
        var root = Path.Combine(Path.GetDirectoryName(ImportTests.FindDemo())!, "..", "InternalApi.Core");
        var found = new List<string>();
        var files = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("Import/", StringComparison.Ordinal))
            {
                continue;
            }

            files++;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].TrimStart().StartsWith("///", StringComparison.Ordinal) && !lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && Forbidden().IsMatch(lines[i]))
                {
                    found.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(files > 50, "Core's sources were not found");
        Assert.Empty(found);
    }

    [Fact]
    public void Core_Public_Types_Carry_No_Http_Status()
    {
        var found = new List<string>();
        foreach (var type in Core.GetExportedTypes().Where(t => !InImport(t)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (IsStatus(property.Name, property.PropertyType))
                {
                    found.Add($"{type.FullName}.{property.Name}");
                }
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (IsStatus(field.Name, field.FieldType))
                {
                    found.Add($"{type.FullName}.{field.Name}");
                }
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Cast<MethodBase>()
                .Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)))
            {
                foreach (var parameter in method.GetParameters())
                {
                    if (IsStatus(parameter.Name ?? "", parameter.ParameterType))
                    {
                        found.Add($"{type.FullName}.{method.Name}({parameter.Name})");
                    }
                }
            }
        }

        Assert.Empty(found);
    }

    /// <summary>The types a type's members name: fields, properties, parameters and returns, with generic arguments.</summary>
    private static IEnumerable<(string Member, Type Used)> UsedTypes(Type type)
    {
        foreach (var field in type.GetFields(Everything))
        {
            foreach (var used in Expand(field.FieldType))
            {
                yield return (field.Name, used);
            }
        }

        foreach (var property in type.GetProperties(Everything))
        {
            foreach (var used in Expand(property.PropertyType))
            {
                yield return (property.Name, used);
            }
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            var types = method.GetParameters().Select(p => p.ParameterType);
            if (method is MethodInfo info)
            {
                types = types.Append(info.ReturnType);
            }

            foreach (var used in types.SelectMany(Expand))
            {
                yield return (method.Name, used);
            }
        }

        if (type.BaseType is { } baseType)
        {
            foreach (var used in Expand(baseType))
            {
                yield return ("(base)", used);
            }
        }
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var inner in Expand(element))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }

    private static bool InImport(Type type) =>
        type.Namespace is { } ns && (ns == ImportNamespace || ns.StartsWith(ImportNamespace + ".", StringComparison.Ordinal));

    private static bool IsHttpOrJsonNode(Type type) => type.Namespace is { } ns &&
        (ns == "System.Text.Json.Nodes" || ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || ns.StartsWith("Microsoft.Azure.Functions", StringComparison.Ordinal));

    private static bool IsStatus(string name, Type type) =>
        (name.Equals("Status", StringComparison.OrdinalIgnoreCase) || name.Equals("StatusCode", StringComparison.OrdinalIgnoreCase)) &&
        (Nullable.GetUnderlyingType(type) ?? type) == typeof(int);

    [GeneratedRegex(@"System\.Text\.Json\.Nodes|\bJson(Object|Node|Array|Value)\b|\bStatusCodes\.|\bHttpStatusCode\b")]
    private static partial Regex Forbidden();
}

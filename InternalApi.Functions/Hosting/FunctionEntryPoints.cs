using System.Collections.Concurrent;
using System.Reflection;

namespace InternalApi.Functions.Hosting;

/// <summary>A function's method, found from the <c>entryPoint</c> that <c>functions.metadata</c> names.</summary>
public sealed record FunctionEntryPoint(string EntryPoint, Type Type, MethodInfo Method, FunctionAuth? Auth)
{
    /// <summary>The function's name, as its <c>[Function]</c> attribute gives it.</summary>
    public string Name { get; } = Method.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()?.Name ?? Type.Name;
}

/// <summary>
/// Resolves <c>Namespace.Class.Method</c> entry points (as the SDK writes them into <c>functions.metadata</c>
/// and the worker reports them in <c>FunctionDefinition.EntryPoint</c>) to methods of this assembly, once.
/// Both hosts use it, so the auth declared on a method is read the same way everywhere.
/// </summary>
public static class FunctionEntryPoints
{
    private static readonly ConcurrentDictionary<string, FunctionEntryPoint> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The method of a function the worker loaded, from the assembly its definition names (this one for every function
    /// of the build; tests add functions of their own assembly).
    /// </summary>
    public static FunctionEntryPoint Resolve(Microsoft.Azure.Functions.Worker.FunctionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var name = Path.GetFileNameWithoutExtension(definition.PathToAssembly);
        var assembly = name == typeof(FunctionEntryPoints).Assembly.GetName().Name
            ? typeof(FunctionEntryPoints).Assembly
            : AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
        return Resolve(definition.EntryPoint, assembly);
    }

    /// <summary>The entry point's method and auth declaration; throws when it names nothing here.</summary>
    public static FunctionEntryPoint Resolve(string entryPoint, Assembly? assembly = null) =>
        Cache.GetOrAdd(entryPoint, static (e, a) => Find(e, a ?? typeof(FunctionEntryPoints).Assembly), assembly);

    private static FunctionEntryPoint Find(string entryPoint, Assembly assembly)
    {
        var dot = entryPoint.LastIndexOf('.');
        var type = dot > 0 ? assembly.GetType(entryPoint[..dot], throwOnError: false) : null;
        var method = type?.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == entryPoint[(dot + 1)..]);
        if (type is null || method is null)
        {
            throw new InvalidOperationException($"Function entry point '{entryPoint}' names no public method in {assembly.GetName().Name}.");
        }

        return new FunctionEntryPoint(entryPoint, type, method, method.GetCustomAttribute<FunctionAuthAttribute>()?.Kind);
    }
}

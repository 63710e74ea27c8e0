using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.OpenApi;

/// <summary>The request and response types a function reads and writes on the wire.</summary>
public sealed record WireContract(IReadOnlyList<Type> Parameters, IReadOnlyList<Type> Responses);

/// <summary>
/// Finds a function's wire types in its compiled code: the <c>T</c> of every <see cref="RequestBinder.BindAsync{T}"/>
/// call (its parameters) and of every <c>TypedResults.Json&lt;T&gt;</c> call (its JSON answers), in the function
/// class, its compiler-generated state machines and the endpoint helpers it calls. Reading the build itself
/// means the OpenAPI document cannot drift from the code, and nobody keeps a second list of types.
/// </summary>
public static class WireContracts
{
    private const string FunctionsNamespace = "InternalApi.Functions.Functions";

    private static readonly ConcurrentDictionary<Type, WireContract> Cache = new();

    // One-byte and two-byte (0xFE-prefixed) opcodes by value, to walk instruction boundaries exactly.
    private static readonly OpCode?[] OneByte = new OpCode?[256];
    private static readonly OpCode?[] TwoByte = new OpCode?[256];

#pragma warning disable CA1810 // the opcode tables are filled once from OpCodes' fields; an initializer expression would be less clear
    static WireContracts()
#pragma warning restore CA1810
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode code)
            {
                var value = (ushort)code.Value;
                if (code.Size == 1)
                {
                    OneByte[value] = code;
                }
                else
                {
                    TwoByte[value & 0xFF] = code;
                }
            }
        }
    }

    /// <summary>The wire types of the function declared on <paramref name="functionType"/>.</summary>
    public static WireContract Of(Type functionType)
    {
        ArgumentNullException.ThrowIfNull(functionType);
        return Cache.GetOrAdd(functionType, static t =>
        {
            var parameters = new List<Type>();
            var responses = new List<Type>();
            var visited = new HashSet<MethodBase>();
            foreach (var method in MethodsOf(t))
            {
                Scan(method, parameters, responses, visited);
            }

            return new WireContract(parameters.Distinct().ToList(), responses.Distinct().ToList());
        });
    }

    private static IEnumerable<MethodBase> MethodsOf(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in type.GetMethods(all))
        {
            yield return method;
        }

        foreach (var constructor in type.GetConstructors(all))
        {
            yield return constructor;
        }

        // Async methods and lambdas compile into nested types (state machines, closures).
        foreach (var nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
        {
            foreach (var method in MethodsOf(nested))
            {
                yield return method;
            }
        }
    }

    private static void Scan(MethodBase method, List<Type> parameters, List<Type> responses, HashSet<MethodBase> visited)
    {
        if (!visited.Add(method))
        {
            return;
        }

        if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is { } async)
        {
            foreach (var body in MethodsOf(async.StateMachineType))
            {
                Scan(body, parameters, responses, visited);
            }
        }

        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE && i + 1 < il.Length ? TwoByte[il[i + 1]] : OneByte[il[i]];
            if (code is not { } op)
            {
                return; // not an opcode we know: stop rather than misread what follows
            }

            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod && i + 4 <= il.Length)
            {
                var token = BitConverter.ToInt32(il, i);
                if (Resolve(method.Module, token, typeArguments, methodArguments) is { } callee)
                {
                    Classify(callee, parameters, responses, visited);
                }
            }

            i += OperandSize(op, il, i);
        }
    }

    private static void Classify(MethodBase callee, List<Type> parameters, List<Type> responses, HashSet<MethodBase> visited)
    {
        if (callee is MethodInfo { IsGenericMethod: true } generic)
        {
            var definition = generic.GetGenericMethodDefinition();
            if (definition.DeclaringType == typeof(RequestBinder) && definition.Name == nameof(RequestBinder.BindAsync))
            {
                parameters.Add(generic.GetGenericArguments()[0]);
                return;
            }

            if (definition.DeclaringType == typeof(TypedResults) && definition.Name == nameof(TypedResults.Json))
            {
                responses.Add(generic.GetGenericArguments()[0]);
                return;
            }
        }

        // Follow calls into the endpoint helpers next to the functions, not into the hosting layer or libraries.
        if (callee.DeclaringType?.Namespace?.StartsWith(FunctionsNamespace, StringComparison.Ordinal) == true &&
            callee.DeclaringType.Assembly == typeof(WireContracts).Assembly)
        {
            Scan(callee, parameters, responses, visited);
        }
    }

    private static MethodBase? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMethod(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null; // a token into another module's generic context: nothing of ours
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}

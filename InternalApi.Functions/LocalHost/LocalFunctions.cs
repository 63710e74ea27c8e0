using System.Reflection;
using Azure.Storage.Queues.Models;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Functions.LocalHost;

/// <summary>
/// One function of <c>functions.metadata</c>, bound to its method. Invoking it does what the worker does:
/// activate the class from the request's (or message's) service scope and call the method, binding the
/// trigger and a <see cref="CancellationToken"/>.
/// </summary>
public sealed class LocalFunction
{
    private readonly ParameterInfo[] _parameters;
    private readonly PropertyInfo? _taskResult;

    internal LocalFunction(FunctionMetadata metadata, FunctionEntryPoint entryPoint, IServiceScopeFactory scopes)
    {
        Metadata = metadata;
        EntryPoint = entryPoint;
        Scopes = scopes;
        _parameters = entryPoint.Method.GetParameters();
        _taskResult = entryPoint.Method.ReturnType.IsGenericType && typeof(Task).IsAssignableFrom(entryPoint.Method.ReturnType)
            ? entryPoint.Method.ReturnType.GetProperty(nameof(Task<object>.Result))
            : null;
        foreach (var parameter in _parameters)
        {
            if (!CanBind(parameter))
            {
                throw new InvalidOperationException($"The local host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of {metadata.EntryPoint}.");
            }
        }
    }

    /// <summary>Its metadata entry.</summary>
    public FunctionMetadata Metadata { get; }

    /// <summary>Its method and auth declaration.</summary>
    public FunctionEntryPoint EntryPoint { get; }

    /// <summary>Function name.</summary>
    public string Name => Metadata.Name;

    /// <summary>Queue of a queue trigger.</summary>
    public string QueueName => Metadata.Trigger?.QueueName ?? "";

    private IServiceScopeFactory Scopes { get; }

    /// <summary>Calls an HTTP function within the request (its services are the request's scope).</summary>
    public async Task<IActionResult?> InvokeHttpAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await CallAsync(context.RequestServices, p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            // Route parameters bind by name, as the worker binds them from the trigger's binding data.
            _ => context.GetRouteValue(p.Name!)?.ToString(),
        });
        return result as IActionResult;
    }

    /// <summary>Calls a queue function in a scope of its own, as the worker does per invocation.</summary>
    public async Task InvokeQueueAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var scope = Scopes.CreateAsyncScope();
        await CallAsync(scope.ServiceProvider, p => p.ParameterType switch
        {
            var t when t == typeof(QueueMessage) => message,
            var t when t == typeof(BinaryData) => message.Body,
            var t when t == typeof(string) => message.Body?.ToString(),
            var t when t == typeof(CancellationToken) => cancellationToken,
            _ => null,
        });
    }

    private async Task<object?> CallAsync(IServiceProvider services, Func<ParameterInfo, object?> bind)
    {
        // As the worker's default activator does: the constructor's services from the invocation's scope, through
        // reflection (ActivatorUtilities caches the constructor per type). A compiled factory would save microseconds
        // per call and cost the first request of a cold instance ~20 ms of expression compilation.
        var instance = EntryPoint.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, EntryPoint.Type);
        try
        {
            var returned = EntryPoint.Method.Invoke(instance, _parameters.Select(bind).ToArray());
            switch (returned)
            {
                case Task task:
                    await task;
                    return _taskResult?.GetValue(task);
                default:
                    return returned;
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // Rethrow what the function threw, as the worker surfaces it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private bool CanBind(ParameterInfo p) =>
        p.ParameterType == typeof(CancellationToken) ||
        (Metadata.IsHttp && (p.ParameterType == typeof(HttpRequest) || p.ParameterType == typeof(string))) ||
        (Metadata.IsQueue && (p.ParameterType == typeof(QueueMessage) || p.ParameterType == typeof(BinaryData) || p.ParameterType == typeof(string)));
}

/// <summary>The functions the local host serves: exactly those <c>functions.metadata</c> lists.</summary>
public sealed class LocalFunctions
{
    /// <summary>Binds every entry to its method; throws on an entry this build cannot serve.</summary>
    public LocalFunctions(IEnumerable<FunctionMetadata> metadata, IServiceScopeFactory scopes)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        All = [.. metadata.Select(m => new LocalFunction(m, FunctionEntryPoints.Resolve(m.EntryPoint, AssemblyOf(m)), scopes))];
        var undeclared = All.FirstOrDefault(f => f.Metadata.IsHttp && f.EntryPoint.Auth is null);
        if (undeclared is not null)
        {
            throw new InvalidOperationException($"HTTP function {undeclared.Name} declares no [FunctionAuth].");
        }
    }

    /// <summary>The assembly <c>scriptFile</c> names (loaded already, or loaded by name from the app's folder).</summary>
    private static Assembly AssemblyOf(FunctionMetadata metadata) =>
        Assembly.Load(Path.GetFileNameWithoutExtension(metadata.ScriptFile));

    /// <summary>Every function.</summary>
    public IReadOnlyList<LocalFunction> All { get; }

    /// <summary>HTTP-triggered functions.</summary>
    public IEnumerable<LocalFunction> Http => All.Where(f => f.Metadata.IsHttp);

    /// <summary>Queue-triggered functions.</summary>
    public IEnumerable<LocalFunction> Queue => All.Where(f => f.Metadata.IsQueue);
}

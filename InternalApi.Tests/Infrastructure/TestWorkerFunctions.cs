using System.Collections.Immutable;
using System.Reflection;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Context.Features;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Azure.Functions.Worker.Invocation;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// The worker's function index in a test process: the build's (the SDK's generated provider, which the worker finds
/// through its entry assembly, and in a test run that is the test runner) plus the test's own functions.
/// </summary>
public sealed class TestWorkerFunctions(IReadOnlyList<IFunctionMetadata> extra) : IFunctionMetadataProvider
{
    private readonly global::InternalApi.Functions.GeneratedFunctionMetadataProvider _build = new();

    /// <inheritdoc/>
    public async Task<ImmutableArray<IFunctionMetadata>> GetFunctionMetadataAsync(string directory)
    {
        var build = await _build.GetFunctionMetadataAsync(directory);
        return [.. build, .. extra];
    }
}

/// <summary>
/// The build's generated executor for the build's functions; the test's own functions (entry points in this assembly)
/// bound by the worker's input binding and called here, as the worker's default executor would.
/// </summary>
public sealed class TestFunctionExecutor(IFunctionExecutor build, IFunctionActivator activator) : IFunctionExecutor
{
    /// <inheritdoc/>
    public async ValueTask ExecuteAsync(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var judged = TableQueryGuard.Invocation();
        if (!context.FunctionDefinition.EntryPoint.StartsWith(typeof(TestFunctions).Namespace + ".", StringComparison.Ordinal))
        {
            await build.ExecuteAsync(context);
            return;
        }

        var entry = FunctionEntryPoints.Resolve(context.FunctionDefinition);
        var bound = await context.Features.Get<IFunctionInputBindingFeature>()!.BindFunctionInputAsync(context);
        var instance = entry.Method.IsStatic ? null : activator.CreateInstance(entry.Type, context);
        object? returned;
        try
        {
            returned = entry.Method.Invoke(instance, [.. bound.Values]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        switch (returned)
        {
            case Task task:
                await task;
                returned = task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
                break;
        }

        context.GetInvocationResult().Value = returned;
    }
}

using System.Collections.Immutable;
using System.Text;
using InternalApi.Functions.Functions;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// Under the Functions host, Program checks tables and queues while the worker connects: an invocation that
/// arrives before the check is done must wait for it, and one after a failed check must get a JSON error (no
/// Functions host here, so the middleware and the pipeline are called as the worker calls them).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WorkerStorageGateTests(AppFixture fixture)
{
    [Fact]
    public async Task An_Invocation_Before_The_Storage_Check_Is_Done_Waits_For_It_Then_Runs()
    {
        using var host = TestWorker.Build(fixture.Azurite);

        // The check starts as Program starts it, but cannot go on until the test lets it: it is held where it asks
        // for its initializer.
        using var release = new ManualResetEventSlim();
        var gate = host.Services.GetRequiredService<StorageGate>();
        var check = gate.StartInitialization(new InitializerProvider(host.Services, () => release.Wait(TimeSpan.FromSeconds(60))));
        var middleware = new WorkerHttpMiddleware(host.Services.GetRequiredService<HttpFunctionPipeline>(), gate, NullLogger<WorkerHttpMiddleware>.Instance);

        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invocation = middleware.Invoke(new QueueInvocation(host.Services), _ =>
        {
            ran.TrySetResult();
            return Task.CompletedTask;
        });

        // Not yet: the check is held, so the middleware returned at its wait without calling the function.
        Assert.False(ran.Task.IsCompleted);
        Assert.False(invocation.IsCompleted);

        release.Set();
        await check.WaitAsync(TimeSpan.FromSeconds(60));
        await invocation.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(ran.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_Http_Call_After_A_Failed_Storage_Check_Gets_A_Json_500_And_Never_Runs()
    {
        using var host = TestWorker.Build(fixture.Azurite);
        var gate = host.Services.GetRequiredService<StorageGate>();
        // Not storage being down (the check logs that and carries on) but the check itself failing, e.g. on settings.
        var check = gate.StartInitialization(new InitializerProvider(host.Services, () => throw new InvalidOperationException("the check failed")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => check);

        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Response.Body = new MemoryStream();
        var ran = false;
        var result = await host.Services.GetRequiredService<HttpFunctionPipeline>().RunAsync(
            context,
            FunctionEntryPoints.Resolve($"{typeof(Check).FullName}.{nameof(Check.RunAsync)}"),
            () =>
            {
                ran = true;
                return Task.FromResult<IActionResult?>(null);
            });
        await result!.ExecuteAsync(context);

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"message":"500 Internal Server Error"}""", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    /// <summary>The host's services, except that asking for the storage initializer first runs <paramref name="before"/>.</summary>
    private sealed class InitializerProvider(IServiceProvider inner, Action before) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (serviceType == typeof(StorageInitializer))
            {
                before();
            }

            return inner.GetService(serviceType);
        }
    }

    /// <summary>A queue invocation as the worker hands it to middleware: no HTTP context, the message's binding data.</summary>
    private sealed class QueueInvocation(IServiceProvider services) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();

        public override string FunctionId => "post-receive-test";

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext { get; } = new Binding();

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; } = services;

        public override FunctionDefinition FunctionDefinition { get; } = new Definition();

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => null!;

        private sealed class Binding : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData { get; } =
                new Dictionary<string, object?> { ["Id"] = "message-1", ["DequeueCount"] = "1" };
        }

        private sealed class Definition : FunctionDefinition
        {
            public override ImmutableArray<FunctionParameter> Parameters => [];

            public override string PathToAssembly => typeof(WorkerStorageGateTests).Assembly.Location;

            public override string EntryPoint => "Test.Queue";

            public override string Id => "post-receive-test";

            public override string Name => "QueueTest";

            public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

            public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
        }
    }
}

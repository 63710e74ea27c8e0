using System.Collections.Immutable;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// Under the Functions host, Program checks tables and queues while the worker connects: the worker's middleware
/// must hold an invocation that arrives before the check is done (no Functions host here, so the middleware is
/// called as the worker calls it, with a function context of its own).
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
        var check = gate.StartInitialization(new HeldProvider(host.Services, release));
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

    /// <summary>The host's services, except that asking for the storage initializer waits for <paramref name="release"/>.</summary>
    private sealed class HeldProvider(IServiceProvider inner, ManualResetEventSlim release) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (serviceType == typeof(StorageInitializer))
            {
                release.Wait(TimeSpan.FromSeconds(60));
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

using InternalApi.LocalHost.FunctionApp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Primitives;

namespace InternalApi.LocalHost.Http;

/// <summary>
/// The host's routes: one per HTTP trigger the worker loaded, at <c>/&lt;routePrefix&gt;/&lt;route&gt;</c> with its
/// methods, published once the first worker has loaded (the host holds requests until then). It has no route of its own.
/// </summary>
public sealed class FunctionEndpoints(HttpInvoker invoker, FirstResponse firstResponse) : EndpointDataSource, IDisposable
{
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _changed = new();
    private IReadOnlyList<Endpoint> _endpoints = [];

    /// <inheritdoc/>
    public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

    /// <summary>Completes once the routes are published.</summary>
    public Task Published => _published.Task;

    /// <inheritdoc/>
    public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>Publishes the routes of <paramref name="functions"/> (once).</summary>
    public void Publish(IEnumerable<HostedFunction> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var endpoints = new List<Endpoint>();
        foreach (var function in functions)
        {
            if (function.Trigger is not HttpTrigger trigger)
            {
                continue;
            }

            var pattern = RoutePatternFactory.Parse("/" + (routePrefix.Length == 0 ? "" : routePrefix + "/") + trigger.Route.TrimStart('/'));
            var builder = new RouteEndpointBuilder(context => ServeAsync(context, function), pattern, 0) { DisplayName = function.Name };
            if (trigger.Methods.Count > 0)
            {
                builder.Metadata.Add(new HttpMethodMetadata(trigger.Methods));
            }

            endpoints.Add(builder.Build());
        }

        // A fresh token for later watchers, then the old one fires: routing rebuilds from the new list.
        var previous = _changed;
        _changed = new CancellationTokenSource();
        _endpoints = endpoints;
        previous.Cancel();
        previous.Dispose();
        _published.TrySetResult();
    }

    /// <inheritdoc/>
    public void Dispose() => _changed.Dispose();

    private async Task ServeAsync(HttpContext context, HostedFunction function)
    {
        try
        {
            await invoker.InvokeAsync(context, function);
        }
        finally
        {
            firstResponse.Mark();
        }
    }
}

using Grpc.Core;

namespace InternalApi.LocalHost.Rpc;

/// <summary>The host's side of <c>FunctionRpc</c>: one bidirectional <c>EventStream</c> per worker.</summary>
public sealed class FunctionRpcService(WorkerHub hub) : FunctionRpc.FunctionRpcBase
{
    /// <inheritdoc/>
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message of a worker's stream must be StartStream."));
        }

        await hub.ServeAsync(requestStream.Current.StartStream.WorkerId, requestStream, responseStream, context.CancellationToken);
    }
}

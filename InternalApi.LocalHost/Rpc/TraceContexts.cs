using System.Diagnostics;

namespace InternalApi.LocalHost.Rpc;

/// <summary>
/// The trace context every invocation carries, as the host sends it (the worker reads it unconditionally): the current
/// W3C activity's, or a fresh root one where none runs (a queue poll).
/// </summary>
internal static class TraceContexts
{
    public static RpcTraceContext Current()
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } activity)
        {
            return new RpcTraceContext { TraceParent = id, TraceState = activity.TraceStateString ?? "" };
        }

        return new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00", TraceState = "" };
    }
}

using System.Net.Sockets;
using Azure;

namespace InternalApi.Core.Storage;

/// <summary>
/// Tells "the storage account did not answer" (refused or reset connections, timeouts, 5xx from the service)
/// from everything else, so that callers answer 503 and queue work is retried instead of failing as a bug.
/// </summary>
public static class StorageFaults
{
    /// <summary>
    /// True when <paramref name="exception"/> means storage was unreachable or unavailable. A cancellation counts
    /// only when <paramref name="callerToken"/> was not cancelled: then it is the SDK's own network timeout.
    /// </summary>
    public static bool IsUnavailable(Exception? exception, CancellationToken callerToken = default)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case AggregateException aggregate:
                    // The SDK's "Retry failed after N tries": unavailable when every attempt was.
                    return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => IsUnavailable(e, callerToken));
                case RequestFailedException failed when failed.Status == 0:
                    // No HTTP answer at all: look at why (a socket error, a timeout).
                    return failed.InnerException is null || IsUnavailable(failed.InnerException, callerToken);
                case RequestFailedException failed:
                    return failed.Status is 408 or >= 500;
                case HttpRequestException or SocketException or TimeoutException:
                    return true;
                case OperationCanceledException:
                    return !callerToken.IsCancellationRequested;
                case IOException when exception.InnerException is SocketException:
                    return true;
            }

            exception = exception.InnerException;
        }

        return false;
    }
}

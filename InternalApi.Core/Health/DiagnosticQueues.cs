namespace InternalApi.Core.Health;

/// <summary>
/// The diagnostic queue: a no-op function reads <c>{"id":"..."}</c> messages from it, which proves the queue path
/// end to end. Named in Core so that everything that creates or lists the app's queues (the worker's start, the
/// operator tool) knows it.
/// </summary>
public static class DiagnosticQueues
{
    /// <summary>The queue name.</summary>
    public const string Ping = "ping";
}

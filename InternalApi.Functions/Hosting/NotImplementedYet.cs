namespace InternalApi.Functions.Hosting;

/// <summary>Placeholder answer for a declared function whose handler is still being written.</summary>
public static class NotImplementedYet
{
    /// <summary>501 with GitLab's message shape.</summary>
    public static IResult Result() => TypedResults.Json(new MessageError("501 Not Implemented"), WireJsonContext.Default.MessageError, statusCode: 501);
}

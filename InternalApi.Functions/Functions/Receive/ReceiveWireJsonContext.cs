using System.Text.Json.Serialization;
using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Receive;

/// <summary><c>/pre_receive</c> answer.</summary>
public sealed record PreReceiveResponse(bool ReferenceCounterIncreased);

/// <summary><c>/post_receive</c> answer.</summary>
public sealed record PostReceiveResponse(IReadOnlyList<PostReceiveMessage> Messages, bool ReferenceCounterDecreased);

/// <summary>Source-generated JSON for the receive hooks.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PreReceiveResponse))]
[JsonSerializable(typeof(PostReceiveResponse))]
public sealed partial class ReceiveWireJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (GitLab's escaping; see <see cref="WireJsonOptions"/>).</summary>
    public static ReceiveWireJsonContext Wire { get; } = new(WireJsonOptions.Create());
}

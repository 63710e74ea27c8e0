namespace InternalApi.Tests.Reliability;

/// <summary>
/// The worker-crash and load tests load the machine on purpose (64 clients; a second app process with four
/// busy queues). They run one after the other, after every parallel collection has finished, so that they
/// neither starve the rest of the suite's Azurites on a 2-core machine nor get starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyReliabilityCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "reliability-heavy";
}

using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Receive;

/// <summary>
/// The counter's conflict budget: a change that loses every race (another writer rewrites the very row each time, in
/// real Azurite, just before the counter's ETag-conditional write reaches it) moves from shard to shard, then gives up
/// with a 409 once its budget is spent, leaving the other writer's values as they were: it neither loops forever nor
/// writes over a change it did not see. The budget is spent on the counter's clock, which here moves only when the rival
/// wins a race (<see cref="LostRace"/> each time): the outcome does not depend on how fast the machine is.
/// </summary>
[Collection("receive-hooks")]
public sealed partial class ReferenceCounterConflictTests(ReceiveHookFixture fixture)
{
    private static readonly TimeSpan LostRace = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task An_Increment_That_Loses_Every_Race_Tries_Other_Shards_Then_Gives_Up_With_409()
    {
        var (repository, rival, counter) = await ContendedAsync();

        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => counter.IncrementAsync(repository));

        Assert.Equal(409, failure.Status);
        AssertSpentTheBudgetThenStopped(rival);
        Assert.True(rival.Shards.Count > 1, "a lost race moves to another shard");
        Assert.Equal(ReferenceCounter.Shards * RivalCount, await Plain(repository).GetAsync(repository));
    }

    [Fact]
    public async Task A_Decrement_That_Loses_Every_Race_Gives_Up_With_409_And_Takes_Nothing()
    {
        var (repository, rival, counter) = await ContendedAsync();

        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => counter.DecrementAsync(repository));

        Assert.Equal(409, failure.Status);
        AssertSpentTheBudgetThenStopped(rival);
        Assert.Equal(ReferenceCounter.Shards * RivalCount, await Plain(repository).GetAsync(repository));
    }

    private const long RivalCount = 5;

    /// <summary>
    /// Kept trying until its clock reached the budget (ten lost races), then stopped: one attempt writes at most twice
    /// (its remembered version, then what it read), and the budget is looked at before each attempt.
    /// </summary>
    private static void AssertSpentTheBudgetThenStopped(RivalWriter rival)
    {
        var races = (int)(Budget / LostRace);
        Assert.InRange(rival.Writes, races, (2 * races) + 1);
    }

    private GitLabTables AppTables => fixture.App.Services.GetRequiredService<GitLabTables>();

    private ReferenceCounter Plain(string repository) => new(AppTables, TimeProvider.System);

    /// <summary>
    /// A repository whose every shard holds <see cref="RivalCount"/> (so every change is a conditional update), and a
    /// counter whose storage client lets the rival rewrite a row right before each conditional write to it.
    /// </summary>
    private async Task<(string Repository, RivalWriter Rival, ReferenceCounter Counter)> ContendedAsync()
    {
        var repository = "project-" + TestIds.Next();
        var key = TableKey.Encode(repository);
        for (var shard = 0; shard < ReferenceCounter.Shards; shard++)
        {
            await AppTables.ReferenceCounters.AddEntityAsync(Row(key, shard == 0 ? "" : shard.ToString("00", System.Globalization.CultureInfo.InvariantCulture)));
        }

        var clock = new RaceClock();
        var rival = new RivalWriter(AppTables.ReferenceCounters, clock);
        var options = new TableClientOptions();
        options.AddPolicy(rival, HttpPipelinePosition.PerCall);
        var tables = new GitLabTables(new TableServiceClient(fixture.Azurite.ConnectionString, options), fixture.App.Services.GetRequiredService<IOptions<StorageOptions>>());
        return (repository, rival, new ReferenceCounter(tables, clock) { ConflictBudget = Budget });
    }

    private static TableEntity Row(string partitionKey, string rowKey) => new(partitionKey, rowKey)
    {
        ["Count"] = RivalCount,
        ["ExpiresAt"] = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5),
    };

    /// <summary>Before a conditional write to a counter row goes out, writes that row itself: the write then finds a new ETag.</summary>
    /// <summary>A clock whose elapsed time is the lost races so far (wall-clock time for everything else).</summary>
    private sealed class RaceClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Lost() => Interlocked.Add(ref _ticks, LostRace.Ticks);
    }

    private sealed partial class RivalWriter(TableClient table, RaceClock clock) : HttpPipelinePolicy
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public HashSet<string> Shards { get; } = [];

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Target(message) is { } row)
            {
                Interlocked.Increment(ref _writes);
                lock (Shards)
                {
                    Shards.Add(row.RowKey);
                }

                await table.UpsertEntityAsync(Row(row.PartitionKey, row.RowKey), TableUpdateMode.Replace);
                clock.Lost();
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the counter is asynchronous");

        private static (string PartitionKey, string RowKey)? Target(HttpMessage message)
        {
            if (!message.Request.Headers.TryGetValue("If-Match", out var etag) || etag == "*")
            {
                return null;
            }

            var match = EntityPath().Match(Uri.UnescapeDataString(message.Request.Uri.Path));
            return match.Success ? (match.Groups["pk"].Value.Replace("''", "'", StringComparison.Ordinal), match.Groups["rk"].Value.Replace("''", "'", StringComparison.Ordinal)) : null;
        }

        [GeneratedRegex(@"ReferenceCounters\(PartitionKey='(?<pk>(?:[^']|'')*)',RowKey='(?<rk>(?:[^']|'')*)'\)$")]
        private static partial Regex EntityPath();
    }
}

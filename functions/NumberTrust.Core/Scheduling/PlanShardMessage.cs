using NumberTrust.Hosting;

namespace NumberTrust.Scheduling;

/// <summary>
/// Planner work item: plan every number of one shard of the due index whose due time lies in [<see cref="From"/>, <see cref="To"/>].
/// <see cref="Retries"/>: how often the plan was poisoned and sent again. <see cref="Next"/>: the shard of the same tick to plan
/// after this one (the tick starts <c>Scanning:PlannerShardsInFlight</c> chains). <see cref="Segment"/>: how many invocations of this
/// plan ran out of their time budget before this one and handed the rest on; <see cref="StartedAt"/> and <see cref="JobIndexes"/>
/// (jobs enqueued so far per platform) carry the spread of visibility delays on across them. Absent fields read as a fresh plan.
/// </summary>
public sealed record PlanShardMessage(
    int Version, int Shard, DateTimeOffset From, DateTimeOffset To, DateTimeOffset PlannedAt, int Retries = 0, int? Next = null, int Segment = 0,
    DateTimeOffset? StartedAt = null, IReadOnlyDictionary<string, int>? JobIndexes = null)
    : IVersionedMessage
{
    public const int CurrentVersion = 1;
}

/// <summary>
/// One page of a tenant's registrations whose due times must not lie past its peak windows saved as <see cref="Revision"/>: the
/// registrations after <see cref="After"/> (null = from the start). A page of a superseded revision stops its chain.
/// </summary>
public sealed record PullSchedulesForwardMessage(int Version, string TenantId, string Revision, string? After = null) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}

using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Scheduling;

/// <summary>Settings of the scan planner and the peak-window schedule (section <c>Scanning</c>). Defaults are what Azure runs.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scanning";

    /// <summary>How long the planner trusts a tenant's peak windows before reading them again (saves reach every instance within it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Scanning:PeakWindowCacheDuration must be between 0 and 10 minutes.")]
    public TimeSpan PeakWindowCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Storage requests (facts reads, job sends) the planner keeps in flight per instance, over all shards it plans.</summary>
    [Range(1, 1024)]
    public int PlannerConcurrency { get; set; } = 32;

    /// <summary>
    /// How many of a tick's 16 shards are planned at once: the tick enqueues this many shard plans, and each enqueues the next
    /// shard of its chain when done. Fewer at once finish each shard sooner (docs/architecture.md, "Queues").
    /// </summary>
    [Range(1, DueIndex.Shards)]
    public int PlannerShardsInFlight { get; set; } = 2;

    /// <summary>How long a poisoned shard plan waits before it is planned again; doubled per further poisoning, at most a day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PoisonedPlanRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long one shard-plan invocation works before it hands the rest of its range to a continuation message, so every
    /// invocation ends well inside host.json's functionTimeout (10 minutes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:08:00", ErrorMessage = "Scanning:PlanBudget must be between 0 and 8 minutes.")]
    public TimeSpan PlanBudget { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>Due entries a shard plan reads per page.</summary>
    [Range(1, 1000)]
    public int PlanPageSize { get; set; } = 1000;
}

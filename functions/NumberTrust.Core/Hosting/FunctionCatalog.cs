using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Scanning;

namespace NumberTrust.Hosting;

/// <summary>
/// The queue- and timer-triggered functions the local host runs. Each entry has a twin function class in the Functions app with the
/// same name and queue name or schedule setting; a test holds the two lists equal.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<QueueFunction> QueueFunctions { get; } =
    [
        new("PlanScanShard", QueueNames.ScanPlans, (sp, message, ct) => sp.GetRequiredService<ScanPlanner>().PlanShardAsync(message, ct)),
        new("ReplanPoisonedShard", QueueNames.ScanPlansPoison, (sp, message, ct) => sp.GetRequiredService<ScanPlanner>().HandlePoisonAsync(message, ct)),
        new("LookupLabel", QueueNames.Lookups, (sp, message, ct) => sp.GetRequiredService<LookupWorker>().RunAsync(message, ct)),
        new("RecordPoisonedLookup", QueueNames.LookupsPoison, (sp, message, ct) => sp.GetRequiredService<LookupWorker>().HandlePoisonAsync(message, ct)),
        new("ExpandScanRun", QueueNames.ScanRuns, (sp, message, ct) => sp.GetRequiredService<ScansApi>().ExpandAsync(message, ct)),
        new("RecordPoisonedScanRun", QueueNames.ScanRunsPoison, (sp, message, ct) => sp.GetRequiredService<ScansApi>().HandlePoisonAsync(message, ct)),
        new("PullSchedulesForward", QueueNames.SchedulePulls, (sp, message, ct) => sp.GetRequiredService<PeakWindowsApi>().PullForwardAsync(message, ct)),
    ];

    public static IReadOnlyList<TimerFunction> TimerFunctions { get; } =
    [
        new("ScanPlannerTimer", ScheduleSettings.ScanPlanner, (sp, tick, ct) => sp.GetRequiredService<ScanPlanner>().TickAsync(tick, ct)),
    ];
}

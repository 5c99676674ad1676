using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Telemetry;

namespace NumberTrust.Hosting;

/// <summary>A queue-triggered function: both hosts run <see cref="Handler"/> for each message of <see cref="QueueName"/>.</summary>
public sealed record QueueFunction(string Name, string QueueName, Func<IServiceProvider, QueueMessageContext, CancellationToken, Task> Handler);

/// <summary>A timer-triggered function whose NCRONTAB schedule is the app setting <see cref="ScheduleSetting"/> (<c>%Setting%</c>).</summary>
public sealed record TimerFunction(string Name, string ScheduleSetting, Func<IServiceProvider, TimerTick, CancellationToken, Task> Handler)
{
    public string ScheduleExpression => ScheduleSettings.Expression(ScheduleSetting);
}

/// <summary>
/// The queue and timer functions, one table for both hosts: the Functions app's trigger methods call <see cref="RunQueueAsync"/> and
/// <see cref="RunTimerAsync"/> with their own name, and the local host starts a listener or timer per entry. (HTTP functions are
/// the endpoints of <see cref="ApiEndpoints.MapNumberTrustApi"/>.)
/// </summary>
public static class FunctionTable
{
    public static IReadOnlyList<QueueFunction> Queues { get; } =
    [
        Queue<ScanPlanner>(FunctionNames.PlanScanShard, QueueNames.ScanPlans, (h, m, ct) => h.PlanShardAsync(m, ct)),
        Queue<ScanPlanner>(FunctionNames.ReplanPoisonedShard, QueueNames.ScanPlansPoison, (h, m, ct) => h.HandlePoisonAsync(m, ct)),
        Queue<LookupWorker>(FunctionNames.LookupLabel, QueueNames.Lookups, (h, m, ct) => h.RunAsync(m, ct)),
        Queue<LookupWorker>(FunctionNames.RecordPoisonedLookup, QueueNames.LookupsPoison, (h, m, ct) => h.HandlePoisonAsync(m, ct)),
        Queue<ScanRunExpander>(FunctionNames.ExpandScanRun, QueueNames.ScanRuns, (h, m, ct) => h.ExpandAsync(m, ct)),
        Queue<ScanRunExpander>(FunctionNames.RecordPoisonedScanRun, QueueNames.ScanRunsPoison, (h, m, ct) => h.HandlePoisonAsync(m, ct)),
        Queue<SchedulePuller>(FunctionNames.PullSchedulesForward, QueueNames.SchedulePulls, (h, m, ct) => h.PullForwardAsync(m, ct)),
        Queue<Notifications.Deliveries.AlertDispatcher>(FunctionNames.DispatchAlert, QueueNames.Alerts, (h, m, ct) => h.DispatchAsync(m, ct)),
        Queue<Notifications.Deliveries.AlertDispatcher>(FunctionNames.RedispatchPoisonedAlert, QueueNames.AlertsPoison, (h, m, ct) => h.HandlePoisonAsync(m, ct)),
        Queue<Notifications.Deliveries.DeliveryWorker>(FunctionNames.DeliverAlert, QueueNames.Deliveries, (h, m, ct) => h.DeliverAsync(m, ct)),
        Queue<Notifications.Deliveries.DeliveryWorker>(FunctionNames.RecordPoisonedDelivery, QueueNames.DeliveriesPoison, (h, m, ct) => h.HandlePoisonAsync(m, ct)),
        Queue<Notifications.Digests.DigestComposer>(FunctionNames.ComposeDigest, QueueNames.Digests, (h, m, ct) => h.ComposeAsync(m, ct)),
        Queue<Appeals.AppealSender>(FunctionNames.SendAppeal, QueueNames.AppealSends, (h, m, ct) => h.SendAsync(m, ct)),
    ];

    public static IReadOnlyList<TimerFunction> Timers { get; } =
    [
        Timer<ScanPlanner>(FunctionNames.ScanPlannerTimer, ScheduleSettings.ScanPlanner, (h, tick, ct) => h.TickAsync(tick, ct)),
        Timer<Appeals.AppealSweeper>(FunctionNames.AppealSweepTimer, ScheduleSettings.AppealSweep, (h, tick, ct) => h.SweepAsync(tick, ct)),
        Timer<Notifications.Digests.DigestScheduler>(FunctionNames.DigestTimer, ScheduleSettings.Digest, (h, tick, ct) => h.TickAsync(tick, ct)),
        Timer<Upkeep.Reminders.UpkeepReminderScheduler>(FunctionNames.UpkeepReminderTimer, ScheduleSettings.UpkeepReminders, (h, tick, ct) => h.TickAsync(tick, ct)),
    ];

    public static QueueFunction Queue(string name) =>
        Queues.SingleOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException($"No queue function '{name}'.");

    public static TimerFunction Timer(string name) =>
        Timers.SingleOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException($"No timer function '{name}'.");

    public static Task RunQueueAsync(string name, IServiceProvider services, QueueMessageContext message, CancellationToken cancellationToken) =>
        Queue(name).Handler(services, message, cancellationToken);

    public static Task RunTimerAsync(string name, IServiceProvider services, TimerTick tick, CancellationToken cancellationToken) =>
        Timer(name).Handler(services, tick, cancellationToken);

    private static QueueFunction Queue<THandler>(string name, string queue, Func<THandler, QueueMessageContext, CancellationToken, Task> run)
        where THandler : notnull =>
        new(name, queue, async (services, message, ct) =>
        {
            using var activity = NumberTrustTelemetry.StartInvocation(name, ActivityKind.Consumer, QueueMessageJson.TraceParentOf(message.Body));
            activity?.SetTag("messaging.message.id", message.Id);
            activity?.SetTag("messaging.destination.name", queue);
            await Traced(activity, run(services.GetRequiredService<THandler>(), message, ct));
        });

    private static TimerFunction Timer<THandler>(string name, string setting, Func<THandler, TimerTick, CancellationToken, Task> run)
        where THandler : notnull =>
        new(name, setting, async (services, tick, ct) =>
        {
            using var activity = NumberTrustTelemetry.StartInvocation(name, ActivityKind.Internal, null);
            await Traced(activity, run(services.GetRequiredService<THandler>(), tick, ct));
        });

    private static async Task Traced(Activity? activity, Task work)
    {
        try
        {
            await work;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.AddException(e);
            throw;
        }
    }
}

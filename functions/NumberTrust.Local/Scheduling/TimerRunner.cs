using Azure.Data.Tables;
using NCrontab;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Local.Scheduling;

/// <summary>Parses NCRONTAB schedules the way the Functions timer trigger does: 6 fields, seconds first, from an app setting.</summary>
public static class TimerSchedules
{
    public static CrontabSchedule Resolve(TimerFunction function, IConfiguration configuration)
    {
        var expression = configuration[function.ScheduleSetting];
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new InvalidOperationException(
                $"Timer function {function.Name}: app setting '{function.ScheduleSetting}' (its %{function.ScheduleSetting}% schedule) is not set.");
        }

        var schedule = CrontabSchedule.TryParse(expression.Trim(), new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        return schedule ?? throw new InvalidOperationException(
            $"Timer function {function.Name}: '{expression}' in '{function.ScheduleSetting}' is not a 6-field NCRONTAB expression (second minute hour day month day-of-week).");
    }
}

/// <summary>
/// Fires one <see cref="TimerFunction"/> once per occurrence of its NCRONTAB schedule. The last and next occurrences are kept in the
/// <c>ScheduleStatus</c> table (as the Functions host keeps them in blob storage), so a run missed while the host was down fires
/// once at start-up with <see cref="TimerTick.IsPastDue"/> set, and never on every restart (no RunOnStartup). Each run is bounded
/// by host.json's functionTimeout, as in the Functions host.
/// </summary>
public sealed partial class TimerRunner(
    TimerFunction function, CrontabSchedule schedule, StorageAccount storage, StorageReadiness readiness, Queues.QueueHostOptions hostOptions,
    IServiceProvider services, TimeProvider time, ILogger<TimerRunner> logger) : BackgroundService
{
    private const string Partition = "schedule";

    public string FunctionName => function.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var table = storage.Table(TableNames.ScheduleStatus);
        DateTimeOffset? last = null;
        DateTimeOffset? next = null;
        try
        {
            await readiness.WaitAsync(stoppingToken);
            var status = await table.GetEntityIfExistsAsync<TableEntity>(Partition, function.Name, cancellationToken: stoppingToken);
            if (status.HasValue)
            {
                last = status.Value!.GetDateTimeOffset("Last");
                next = status.Value.GetDateTimeOffset("Next");
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            // Without the stored status a missed run cannot be detected; the schedule still starts rather than stopping the host.
            Log.StatusNotSaved(logger, function.Name, e.Message.Split('\n')[0]);
        }

        var now = time.GetUtcNow();
        var due = next is { } pending && pending <= now ? pending : NextAfter(now);
        Log.Scheduled(logger, function.Name, due);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A delay may return a little early: wait again until the occurrence is really due, so it fires exactly once.
                while (due - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var firedAt = time.GetUtcNow();
            // Strictly after this occurrence (and after now when runs were missed), never this occurrence again.
            var following = NextAfter(firedAt > due ? firedAt : due);
            var tick = new TimerTick(due, IsPastDue: firedAt - due > TimeSpan.FromSeconds(1), last, following);
            try
            {
                using var timeout = new CancellationTokenSource(hostOptions.FunctionTimeout, time);
                using var invocation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                await using var scope = services.CreateAsyncScope();
                await function.Handler(scope.ServiceProvider, tick, invocation.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // As in the Functions host, a failed run is logged and the schedule goes on.
                Log.Failed(logger, e, function.Name);
            }

            last = due;
            due = following;
            await SaveAsync(table, last.Value, due, stoppingToken);
        }
    }

    private DateTimeOffset NextAfter(DateTimeOffset instant) =>
        new(schedule.GetNextOccurrence(instant.UtcDateTime), TimeSpan.Zero);

    private async Task SaveAsync(TableClient table, DateTimeOffset last, DateTimeOffset next, CancellationToken cancellationToken)
    {
        try
        {
            var entity = new TableEntity(Partition, function.Name)
            {
                ["Last"] = last,
                ["Next"] = next,
                ["LastUpdated"] = time.GetUtcNow(),
            };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException)
        {
            Log.StatusNotSaved(logger, function.Name, e.Message.Split('\n')[0]);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Timer function {Function} next fires at {Due:o}")]
        public static partial void Scheduled(ILogger logger, string function, DateTimeOffset due);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Timer function {Function} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string function);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Timer function {Function}: schedule status not saved: {Reason}")]
        public static partial void StatusNotSaved(ILogger logger, string function, string reason);
    }
}

using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// Timer <c>AppealSweepTimer</c>: raises <c>appeal.overdue</c> once per open appeal past its platform's typical turnaround (the
/// appeal keeps <c>OverdueAt</c>, written with the event's outbox row), and publishes outbox events whose writer died before publishing.
/// </summary>
public sealed partial class AppealSweeper(StorageAccount storage, AppealStore appeals, AppealRoutes routes, TimeProvider clock, ILogger<AppealSweeper> logger)
{
    /// <summary>Outbox rows younger than this belong to a writer that may still be publishing them.</summary>
    public static readonly TimeSpan OutboxGrace = TimeSpan.FromMinutes(1);

    public async Task SweepAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {AppealEntity.RowPrefix} and RowKey lt {TableKeys.After(AppealEntity.RowPrefix)} and (Status eq {nameof(AppealStatus.Submitted)} or Status eq {nameof(AppealStatus.InReview)})");
        var overdue = 0;
        await foreach (var appeal in storage.Table(TableNames.Appeals).QueryAsync<AppealEntity>(filter, cancellationToken: cancellationToken))
        {
            var route = routes.For(appeal.Platform);
            if (appeal.OverdueAt is not null || !AppealView.IsOverdue(appeal, route, now))
            {
                continue;
            }

            var due = route.DueAt(appeal.SubmittedAt!.Value)!.Value;
            var (outcome, _) = await appeals.ChangeAsync(appeal.PartitionKey, appeal.Id, appeal.EntityTag, null, "sweeper",
                $"overdue: {appeal.Platform} usually answers within {route.TurnaroundWorkingDays} working days (due {due:O})",
                a => a.OverdueAt = now,
                new AppealEffects(Event: a => AppealsApi.Event(a, EventTypes.AppealOverdue, "overdue", clock,
                    new JsonObject { ["dueAt"] = due, ["submittedAt"] = a.SubmittedAt, ["turnaroundWorkingDays"] = route.TurnaroundWorkingDays })),
                cancellationToken);
            if (outcome == AppealWriteOutcome.Done)
            {
                overdue++;
            }
        }

        var republished = await appeals.PublishPendingAsync(OutboxGrace, cancellationToken);
        Log.Swept(logger, overdue, republished);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Appeal sweep: {Overdue} appeals became overdue, {Republished} pending events published")]
        public static partial void Swept(ILogger logger, int overdue, int republished);
    }
}

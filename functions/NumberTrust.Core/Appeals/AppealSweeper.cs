using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// Timer <c>AppealSweepTimer</c>: raises <c>appeal.overdue</c> once per open appeal past its platform's typical turnaround (the
/// appeal keeps <c>OverdueAt</c>, written with the event's outbox row), closes appeals unanswered for <c>Appeals:ExpireAfterDays</c>
/// as Expired, finishes deletes that stopped half-way, publishes outbox events whose writer died before publishing, and queues again
/// Email/Api channel sends whose queue message was lost.
/// </summary>
public sealed partial class AppealSweeper(
    StorageAccount storage, AppealStore appeals, AppealRoutes routes, IOptionsMonitor<AppealsOptions> options, TimeProvider clock, ILogger<AppealSweeper> logger,
    AppealSender sender)
{
    /// <summary>Outbox rows younger than this belong to a writer that may still be publishing them.</summary>
    public static readonly TimeSpan OutboxGrace = TimeSpan.FromMinutes(1);

    public async Task SweepAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {AppealEntity.RowPrefix} and RowKey lt {TableKeys.After(AppealEntity.RowPrefix)} and (Status eq {nameof(AppealStatus.Submitted)} or Status eq {nameof(AppealStatus.InReview)})");
        var (overdue, expired) = (0, 0);
        var expireAfter = TimeSpan.FromDays(options.CurrentValue.ExpireAfterDays);
        await foreach (var appeal in storage.Table(TableNames.Appeals).QueryAsync<AppealEntity>(filter, cancellationToken: cancellationToken))
        {
            if (appeal.SubmittedAt is { } submittedAt && now - submittedAt >= expireAfter)
            {
                expired += await ExpireAsync(appeal, submittedAt, expireAfter, cancellationToken) ? 1 : 0;
                continue;
            }

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

        var deleted = await FinishDeletesAsync(now, cancellationToken);
        var republished = await appeals.PublishPendingAsync(OutboxGrace, cancellationToken);
        var requeued = await sender.RequeueStaleAsync(OutboxGrace, cancellationToken);
        Log.Swept(logger, overdue, expired, deleted, republished);
        Log.RequeuedSends(logger, requeued);
    }

    private async Task<bool> ExpireAsync(AppealEntity appeal, DateTimeOffset submittedAt, TimeSpan expireAfter, CancellationToken cancellationToken)
    {
        var days = (int)expireAfter.TotalDays;
        var (outcome, _) = await appeals.ChangeAsync(appeal.PartitionKey, appeal.Id, appeal.EntityTag, AppealStatus.Expired, "sweeper",
            $"expired: no answer from {appeal.Platform} {days} days after submission ({submittedAt:O})", _ => { },
            new AppealEffects(Event: a => AppealsApi.Event(a, EventTypes.AppealExpired, "expired", clock,
                new JsonObject { ["submittedAt"] = submittedAt, ["expireAfterDays"] = days, ["ticketNumber"] = a.TicketNumber })),
            cancellationToken);
        return outcome == AppealWriteOutcome.Done;
    }

    /// <summary>Deletes whose first step (the <c>Deleting</c> mark) landed but whose blobs or rows were not all removed.</summary>
    private async Task<int> FinishDeletesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {AppealEntity.RowPrefix} and RowKey lt {TableKeys.After(AppealEntity.RowPrefix)} and Deleting eq true");
        var finished = 0;
        await foreach (var appeal in storage.Table(TableNames.Appeals).QueryAsync<AppealEntity>(filter, cancellationToken: cancellationToken))
        {
            if (now - appeal.UpdatedAt >= OutboxGrace)
            {
                await appeals.FinishDeleteAsync(appeal, cancellationToken);
                finished++;
            }
        }

        return finished;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Information,
            Message = "Appeal sweep: {Overdue} appeals became overdue, {Expired} expired, {Deleted} deletes finished, {Republished} pending events published")]
        public static partial void Swept(ILogger logger, int overdue, int expired, int deleted, int republished);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Appeal sweep: {Requeued} channel sends whose message was lost queued again")]
        public static partial void RequeuedSends(ILogger logger, int requeued);
    }
}

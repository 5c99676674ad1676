using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Digests;
using NumberTrust.Numbers;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Tasks;
using NumberTrust.Upkeep.Trust;

namespace NumberTrust.Upkeep.Summary;

/// <summary>
/// The weekly upkeep summary per tenant, run by the upkeep reminder tick: once the tenant's digest time has passed on or after the
/// calendar's weekly day, it composes the week's summary, adds its mark to <c>Digests</c> (row <c>week|{monday}</c>, insert-only,
/// so the first composition wins), publishes the marked event and records that, exactly as the daily digest's composer does. A
/// crash after the mark leaves it unpublished and the next tick publishes it; the event id is stable, so it is delivered once.
/// </summary>
public sealed partial class WeeklySummaryComposer(
    DigestStore digests, NumberStore numbers, TrustHistoryStore trust, TrustScorer scorer, PlatformSelection selection, AppealStore appeals,
    UpkeepTaskStore tasks, EventPublisher events, ILogger<WeeklySummaryComposer> logger)
{
    public const string Kind = "weekly";
    public const string RowPrefix = "week|";
    private const int PageSize = 100;

    /// <summary>Sends the tenant's summary of this week if it is due and not sent; true when it published one.</summary>
    public async Task<bool> RunTenantAsync(TenantEntity tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var digest = DigestSettingsJson.Of(tenant);
        var (today, due) = digest.DueAt(now);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weeklyDay = monday.AddDays(((int)UpkeepTaskSettingsJson.Of(tenant).WeeklyDay + 6) % 7);
        if (!due || today < weeklyDay)
        {
            return false;
        }

        var row = RowPrefix + DayRange.Text(monday);
        var mark = await digests.FindRowAsync(tenant.RowKey, row, cancellationToken)
            ?? await digests.AddOrGetAsync(await ComposeAsync(tenant.RowKey, digest, row, monday, today, now, cancellationToken), monday, cancellationToken);
        if (mark.Done)
        {
            return false;
        }

        await events.PublishAsync(JsonSerializer.Deserialize<NotificationEvent>(mark.Event!, ApiJson.Options)!, cancellationToken);
        await digests.MarkPublishedAsync(mark, now, cancellationToken);
        Log.Published(logger, tenant.RowKey, DayRange.Text(monday));
        return true;
    }

    /// <summary>Stable per tenant and week: the dispatcher's delivery records dedupe on it.</summary>
    public static string EventIdFor(string tenantId, DateOnly monday) => $"weekly-summary-{tenantId}-{DayRange.Text(monday)}";

    private async Task<DigestEntity> ComposeAsync(
        string tenantId, DigestSettings digest, string row, DateOnly monday, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entity = new DigestEntity { PartitionKey = tenantId, RowKey = row, ComposedAt = now };
        var scores = new List<WeeklyTrust>();
        var labels = new List<DigestLabel>();
        var utcToday = DateOnly.FromDateTime(now.UtcDateTime);
        string? after = null;
        do
        {
            var (page, last) = await numbers.ListAsync(tenantId, after, PageSize, cancellationToken);
            foreach (var registration in page)
            {
                var shown = selection.ToShow(registration.Number(), registration.PlatformList).ToHashSet(StringComparer.Ordinal);
                var recorded = await trust.DaysAsync(registration.RowKey, utcToday, cancellationToken);
                var score = TrustSeries.On(recorded, utcToday, shown, scorer);
                scores.Add(new WeeklyTrust(registration.RowKey, registration.DisplayName, score, score - TrustSeries.On(recorded, utcToday.AddDays(-7), shown, scorer)));
                if (await numbers.StatusAsync(registration.RowKey, cancellationToken) is { } status)
                {
                    labels.AddRange(shown.Select(p => NumberStatusRow.ViewOf(status, p)).OfType<LabelStatusView>()
                        .Where(v => v.State == nameof(ObservedState.Labeled))
                        .Select(v => new DigestLabel(registration.RowKey, registration.DisplayName, v.Platform, v.Category, v.LabelText)));
                }
            }

            after = last;
        }
        while (after is not null);

        if (scores.Count == 0)
        {
            // A tenant without numbers has nothing to summarise: the mark says so and no event goes out.
            return entity;
        }

        var (open, _) = await appeals.ListAsync(tenantId, a => AppealStateMachine.IsOpen(a.State), int.MaxValue, null, cancellationToken);
        var dueBy = today.AddDays(7);
        var due = new List<WeeklyTask>();
        await foreach (var task in tasks.FromAsync(tenantId, today.AddDays(-400).ToString("yyyyMMdd", CultureInfo.InvariantCulture), cancellationToken))
        {
            if (task.Status != UpkeepTaskEntity.Completed && UpkeepInput.Parse(task.DueOn) is { } on && on <= dueBy)
            {
                due.Add(new WeeklyTask(task.RowKey, task.Number, task.Kind, task.DueOn, task.Status, UpkeepTaskPlanner.IsOverdue(task, today)));
            }
        }

        var date = monday.ToDateTime(TimeOnly.MinValue);
        var data = new WeeklySummaryData(
            $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}", DayRange.Text(today), digest.TimeZone, scores.Count,
            DigestSection<WeeklyTrust>.Of(scores, s => s.OrderBy(x => x.Change7Day ?? 0).ThenBy(x => x.TrustScore ?? 100).ThenBy(x => x.Number, StringComparer.Ordinal)),
            DigestSection<DigestLabel>.Of(labels, l => l.OrderBy(x => x.Platform, StringComparer.Ordinal).ThenBy(x => x.Number, StringComparer.Ordinal)),
            DigestSection<WeeklyAppeal>.Of(open.Select(a => new WeeklyAppeal(a.Id, a.Number, a.Platform, a.Status, a.CreatedAt)).ToList(), a => a.OrderBy(x => x.CreatedAt)),
            DigestSection<WeeklyTask>.Of(due, t => t.OrderBy(x => x.DueOn, StringComparer.Ordinal).ThenBy(x => x.TaskId, StringComparer.Ordinal)));
        entity.Kind = Kind;
        entity.Event = JsonSerializer.Serialize(
            new NotificationEvent(NotificationEvent.CurrentVersion, EventIdFor(tenantId, monday), EventTypes.WeeklySummary, now, TenantId: tenantId,
                Data: JsonSerializer.SerializeToNode(data, ApiJson.Options)!.AsObject()),
            ApiJson.Options);
        return entity;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7320, Level = LogLevel.Information, Message = "Weekly upkeep summary of {TenantId} for the week of {Monday} published")]
        public static partial void Published(ILogger logger, string tenantId, string monday);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Digests;
using NumberTrust.Numbers;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Expectations;
using NumberTrust.Upkeep.Trust;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>A label the weekly review found standing.</summary>
public sealed record WeeklyReviewLabel(string Platform, string? Category, string? LabelText);

/// <summary>What the system's weekly review of a number found: the trust score and its 7-day change, standing labels, platforms read that week.</summary>
public sealed record WeeklyReview(int? TrustScore, int? Change7Day, IReadOnlyList<WeeklyReviewLabel> Labels, int PlatformsChecked, int Platforms)
{
    public string Text()
    {
        var trust = TrustScore is { } score ? $"Trust score {score}" + (Change7Day is { } change ? $" ({change:+0;-0;0} over 7 days)" : "") : "No trust score yet";
        var labels = Labels.Count == 0 ? "no labels" : $"labeled on {Labels.Count} platform(s): " + string.Join("; ", Labels.Select(l => $"{l.Platform} {l.Category ?? "?"} \"{l.LabelText}\""));
        return $"{trust}; {labels}; {PlatformsChecked} of {Platforms} platform(s) read this week.";
    }
}

/// <summary>
/// The maintenance calendar, run by the upkeep reminder timer's tick per tenant on its local day: adds each registered number's
/// due tasks (<see cref="UpkeepCalendar"/>; Add-only with period ids, so a repeated or crashed tick adds nothing twice), does the
/// weekly review itself and closes it with its findings, and raises <c>upkeep.task_overdue</c> once per task and due day.
/// </summary>
public sealed partial class UpkeepTaskPlanner(
    UpkeepTaskStore tasks, NumberStore numbers, ExpectationStore expectations, TrustHistoryStore trust, TrustScorer scorer,
    PlatformSelection selection, EventPublisher events, ILogger<UpkeepTaskPlanner> logger)
{
    private const int PageSize = 100;

    /// <summary>Generates and checks the tenant's tasks for <paramref name="today"/>; returns (tasks added, overdue events raised).</summary>
    public async Task<(int Added, int Overdue)> RunTenantAsync(TenantEntity tenant, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tenantId = tenant.RowKey;
        var settings = UpkeepTaskSettingsJson.Of(tenant);
        var digest = DigestSettingsJson.Of(tenant);
        var certifications = new Dictionary<string, List<(DateOnly, string)>>(StringComparer.Ordinal);
        await foreach (var expectation in expectations.WithExpiryAsync(tenantId, cancellationToken))
        {
            if (UpkeepInput.Parse(expectation.CertificationExpires) is { } expires)
            {
                (certifications.TryGetValue(expectation.Number, out var list) ? list : certifications[expectation.Number] = []).Add((expires, expectation.Platform));
            }
        }

        // Every task of the last 13 months: enough for the current periods and for any task still open.
        var existing = new Dictionary<string, UpkeepTaskEntity>(StringComparer.Ordinal);
        await foreach (var task in tasks.FromAsync(tenantId, today.AddDays(-400).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), cancellationToken))
        {
            existing[task.RowKey] = task;
        }

        var registered = new HashSet<string>(StringComparer.Ordinal);
        var added = 0;
        string? after = null;
        do
        {
            var (page, last) = await numbers.ListAsync(tenantId, after, PageSize, cancellationToken);
            foreach (var registration in page)
            {
                registered.Add(registration.RowKey);
                var since = digest.DueAt(registration.CreatedAt).LocalDate;
                var planned = new[]
                {
                    UpkeepCalendar.Weekly(settings, today),
                    UpkeepCalendar.Quarterly(settings, today, since),
                    UpkeepCalendar.Yearly(settings, today, since, certifications.GetValueOrDefault(registration.RowKey) ?? []),
                };
                foreach (var plan in planned.OfType<PlannedTask>())
                {
                    var id = UpkeepCalendar.IdOf(registration.RowKey, plan.Kind, plan.PeriodStart);
                    if (!existing.ContainsKey(id) && await AddAsync(tenantId, id, registration, plan, now, cancellationToken) is { } task)
                    {
                        existing[id] = task;
                        added++;
                    }
                }
            }

            after = last;
        }
        while (after is not null);

        var overdue = 0;
        foreach (var task in existing.Values.Where(t => IsOverdue(t, today) && t.OverdueSentFor != t.DueOn && registered.Contains(t.Number)))
        {
            // Published before it is recorded, with an id of the task and its due day: a tick that dies in between repeats the same event.
            await events.PublishAsync(new NotificationEvent(
                NotificationEvent.CurrentVersion, $"task-overdue:{tenantId}:{task.RowKey}:{task.DueOn}", EventTypes.TaskOverdue, now, task.Number,
                TenantId: tenantId,
                Data: new JsonObject
                {
                    ["taskId"] = task.RowKey,
                    ["kind"] = task.Kind,
                    ["period"] = task.Period,
                    ["due"] = task.DueOn,
                    ["status"] = task.Status,
                    ["reason"] = task.Reason,
                    ["daysOverdue"] = today.DayNumber - UpkeepInput.Parse(task.DueOn)!.Value.DayNumber,
                    ["localDate"] = DayRange.Text(today),
                }), cancellationToken);
            task.OverdueSentFor = task.DueOn;
            overdue += await tasks.TryUpdateAsync(task, cancellationToken) ? 1 : 0;
        }

        if (added + overdue > 0)
        {
            Log.Planned(logger, tenantId, added, overdue);
        }

        return (added, overdue);
    }

    /// <summary>Not completed and its (snoozed) due day is before the tenant's today.</summary>
    public static bool IsOverdue(UpkeepTaskEntity task, DateOnly today) =>
        task.Status != UpkeepTaskEntity.Completed && UpkeepInput.Parse(task.DueOn) is { } due && due < today;

    private async Task<UpkeepTaskEntity?> AddAsync(
        string tenantId, string id, RegistrationEntity registration, PlannedTask plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = DayRange.Text(plan.Due);
        var task = new UpkeepTaskEntity
        {
            PartitionKey = tenantId, RowKey = id, Number = registration.RowKey, Kind = UpkeepCalendar.KindText(plan.Kind), Period = plan.Period,
            Due = due, DueOn = due, Reason = plan.Reason, CreatedAt = now, UpdatedAt = now,
        };
        if (plan.Kind == UpkeepTaskKind.WeeklyReview)
        {
            // The system's own review: done when it is created, so it is never open and never overdue.
            var review = await ReviewAsync(registration, now, cancellationToken);
            (task.Status, task.CompletedAt, task.CompletedBy) = (UpkeepTaskEntity.Completed, now, "system");
            task.Summary = JsonSerializer.Serialize(review, ApiJson.Options);
            task.SummaryText = review.Text();
        }

        return await tasks.TryAddAsync(task, cancellationToken) ? task : null;
    }

    private async Task<WeeklyReview> ReviewAsync(RegistrationEntity registration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shown = selection.ToShow(registration.Number(), registration.PlatformList).ToHashSet(StringComparer.Ordinal);
        var views = await numbers.StatusAsync(registration.RowKey, cancellationToken) is { } status
            ? shown.Select(p => NumberStatusRow.ViewOf(status, p)).OfType<LabelStatusView>().ToList()
            : [];
        var utcToday = DateOnly.FromDateTime(now.UtcDateTime);
        var recorded = await trust.DaysAsync(registration.RowKey, utcToday, cancellationToken);
        var score = TrustSeries.On(recorded, utcToday, shown, scorer);
        var before = TrustSeries.On(recorded, utcToday.AddDays(-7), shown, scorer);
        return new WeeklyReview(
            score, score - before,
            views.Where(v => v.State == nameof(ObservedState.Labeled)).OrderBy(v => v.Platform, StringComparer.Ordinal)
                .Select(v => new WeeklyReviewLabel(v.Platform, v.Category, v.LabelText)).ToList(),
            views.Count(v => v.LastCheckedAt >= now.AddDays(-7)), shown.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7310, Level = LogLevel.Information, Message = "Upkeep tasks of {TenantId}: {Added} added, {Overdue} overdue raised")]
        public static partial void Planned(ILogger logger, string tenantId, int added, int overdue);
    }
}

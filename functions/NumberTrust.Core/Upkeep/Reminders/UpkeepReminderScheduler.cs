using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Storage;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Documents;
using NumberTrust.Upkeep.Expectations;

namespace NumberTrust.Upkeep.Reminders;

/// <summary>
/// Timer <c>UpkeepReminderTimer</c>: per tenant, on its local date, the due expiry reminders of documents
/// (<c>upkeep.document_expiring</c>) and certifications (<c>upkeep.certification_expiring</c>), and the planned display labels'
/// reminders (<c>upkeep.display_label_reminder</c>, 7 days before the start and after the end). Each reminder is published before
/// its row records it, with an id derived from the item, date and threshold, so a tick that dies in between repeats the same
/// event and the dispatcher delivers it once. The same tick runs the maintenance calendar (<see cref="Tasks.UpkeepTaskPlanner"/>).
/// </summary>
public sealed partial class UpkeepReminderScheduler(
    StorageAccount storage, DocumentStore documents, ExpectationStore expectations, EventPublisher events, NumberStore numbers,
    ScanRunService scans, TimeProvider time, ILogger<UpkeepReminderScheduler> logger, Tasks.UpkeepTaskPlanner planner,
    Summary.WeeklySummaryComposer summaries)
{
    public const int LabelLeadDays = 7;

    public async Task TickAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (tenants, sent, failed) = (0, 0, 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TenantEntity.Partition}");
        await foreach (var tenant in storage.Table(TableNames.Tenants).QueryAsync<TenantEntity>(filter, cancellationToken: cancellationToken))
        {
            tenants++;
            try
            {
                sent += await RunTenantAsync(tenant.RowKey, TenantDay.Of(tenant, now), now, cancellationToken);

                // The maintenance calendar shares this tick: the same tenant day, the same catch-up after downtime.
                await planner.RunTenantAsync(tenant, TenantDay.Of(tenant, now), now, cancellationToken);
                await summaries.RunTenantAsync(tenant, now, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One tenant's failure (bad data, a storage hiccup) must not hold back the others; the next tick retries it.
                failed++;
                Log.TenantFailed(logger, tenant.RowKey, e);
            }
        }

        Log.Ticked(logger, tenants, sent);
        if (failed > 0)
        {
            throw new InvalidOperationException($"Upkeep reminder tick: {failed} of {tenants} tenant(s) failed (see the log); they are retried on the next tick.");
        }
    }

    /// <summary>Sends the tenant's reminders due on <paramref name="today"/>; returns how many went out.</summary>
    public async Task<int> RunTenantAsync(string tenantId, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sent = 0;
        await foreach (var document in documents.ListAsync(tenantId, cancellationToken))
        {
            if (UpkeepInput.Parse(document.Expires) is not { } expires
                || ExpiryReminder.Due(today, expires, UpkeepInput.Parse(document.RemindedFor), document.RemindedThreshold) is not { } threshold)
            {
                continue;
            }

            var id = $"document-expiring:{tenantId}:{document.RowKey}:{document.Expires}:{threshold}";
            await events.PublishAsync(Expiry(id, EventTypes.DocumentExpiring, tenantId, document.Number, null, now, expires, today, threshold, new JsonObject
            {
                ["documentId"] = document.RowKey,
                ["kind"] = document.Kind,
                ["title"] = document.Title,
                ["issuer"] = document.Issuer,
                ["documentNumber"] = document.DocumentNumber,
            }), cancellationToken);
            (document.RemindedFor, document.RemindedThreshold) = (document.Expires, threshold);
            sent += await documents.TryUpdateAsync(document, cancellationToken) ? 1 : 0;
        }

        await foreach (var expectation in expectations.WithExpiryAsync(tenantId, cancellationToken))
        {
            if (UpkeepInput.Parse(expectation.CertificationExpires) is not { } expires
                || ExpiryReminder.Due(today, expires, UpkeepInput.Parse(expectation.RemindedFor), expectation.RemindedThreshold) is not { } threshold
                || !await RegisteredAsync(tenantId, expectation.Number, cancellationToken))
            {
                continue;
            }

            var id = $"certification-expiring:{tenantId}:{expectation.Number}:{expectation.Platform}:{expectation.CertificationExpires}:{threshold}";
            await events.PublishAsync(Expiry(id, EventTypes.CertificationExpiring, tenantId, expectation.Number, expectation.Platform, now, expires, today, threshold, new JsonObject
            {
                ["displayName"] = expectation.DisplayName,
                ["certificationProvider"] = expectation.CertificationProvider,
            }), cancellationToken);
            (expectation.RemindedFor, expectation.RemindedThreshold) = (expectation.CertificationExpires, threshold);
            sent += await expectations.TryUpdateAsync(expectation, cancellationToken) ? 1 : 0;
        }

        await foreach (var label in expectations.AllLabelsAsync(tenantId, cancellationToken))
        {
            if (NeedsStartCheck(label, today))
            {
                await StartCheckAsync(tenantId, label, cancellationToken);
                continue;
            }

            if (LabelReminder(label, today) is not { } reminder || !await RegisteredAsync(tenantId, label.Number, cancellationToken))
            {
                continue;
            }

            var date = reminder == "upcoming" ? label.Start : label.End;
            await events.PublishAsync(new NotificationEvent(
                NotificationEvent.CurrentVersion,
                $"display-label-{reminder}:{tenantId}:{label.Id}:{date}",
                EventTypes.DisplayLabelReminder,
                now,
                label.Number,
                TenantId: tenantId,
                Platform: label.Platform,
                Data: new JsonObject
                {
                    ["reminder"] = reminder,
                    ["displayLabelId"] = label.Id,
                    ["label"] = label.Label,
                    ["start"] = label.Start,
                    ["end"] = label.End,
                    ["localDate"] = DayRange.Text(today),
                }), cancellationToken);
            if (reminder == "upcoming")
            {
                label.UpcomingSentFor = label.Start;
            }
            else
            {
                label.EndedSentFor = label.End;
            }

            sent += await expectations.TryUpdateLabelAsync(label, cancellationToken) ? 1 : 0;
        }

        return sent;
    }

    /// <summary>
    /// "upcoming" from 7 days before the start until the day before it, "ended" from the day after the end; after the end only
    /// "ended" (a timer that was down sends the latest reminder only). A date moved later re-arms its reminder.
    /// </summary>
    public static string? LabelReminder(PlannedLabelEntity label, DateOnly today)
    {
        if (UpkeepInput.Parse(label.Start) is not { } start || UpkeepInput.Parse(label.End) is not { } end)
        {
            return null;
        }

        static bool Armed(string? sentFor, DateOnly date) => UpkeepInput.Parse(sentFor) is not { } sent || sent < date;

        if (today > end)
        {
            return Armed(label.EndedSentFor, end) ? "ended" : null;
        }

        return today >= start.AddDays(-LabelLeadDays) && today < start && Armed(label.UpcomingSentFor, start) ? "upcoming" : null;
    }

    /// <summary>A number the tenant removed keeps its expectations and labels (a re-registration finds them) but gets no reminders.</summary>
    private async Task<bool> RegisteredAsync(string tenantId, string e164, CancellationToken cancellationToken) =>
        await numbers.FindAsync(tenantId, e164, cancellationToken) is not null;

    /// <summary>Inside the window and not yet checked for this start: scan now rather than wait for the number's cadence.</summary>
    public static bool NeedsStartCheck(PlannedLabelEntity label, DateOnly today) =>
        UpkeepInput.Parse(label.Start) is { } start && UpkeepInput.Parse(label.End) is { } end && start <= today && today <= end
        && label.StartCheckedFor != label.Start;

    /// <summary>Scans the number on every platform; the mismatch observer compares what the label's platform shows with the label.</summary>
    private async Task StartCheckAsync(string tenantId, PlannedLabelEntity label, CancellationToken cancellationToken)
    {
        if (await numbers.FindAsync(tenantId, label.Number, cancellationToken) is { } registration)
        {
            var run = await scans.StartNumberScanAsync(tenantId, registration.Number(), registration, cancellationToken);
            Log.LabelCheckStarted(logger, label.Id, label.Number, run.PartitionKey);
        }

        label.StartCheckedFor = label.Start;
        await expectations.TryUpdateLabelAsync(label, cancellationToken);
    }

    private static NotificationEvent Expiry(
        string id, string type, string tenantId, string? number, string? platform, DateTimeOffset now, DateOnly expires, DateOnly today, int threshold,
        JsonObject data)
    {
        data["expires"] = DayRange.Text(expires);
        data["threshold"] = threshold;
        data["daysLeft"] = expires.DayNumber - today.DayNumber;
        data["localDate"] = DayRange.Text(today);
        return new NotificationEvent(NotificationEvent.CurrentVersion, id, type, now, number, TenantId: tenantId, Platform: platform, Data: data);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7309, Level = LogLevel.Error, Message = "Upkeep reminder timer: tenant {TenantId} failed; the other tenants go on")]
        public static partial void TenantFailed(ILogger logger, string tenantId, Exception exception);

        [LoggerMessage(EventId = 7300, Level = LogLevel.Information, Message = "Upkeep reminder timer: {Tenants} tenant(s), {Sent} reminder(s) sent")]
        public static partial void Ticked(ILogger logger, int tenants, int sent);

        [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Display label {LabelId} of {Number} started: scan {ScanId}")]
        public static partial void LabelCheckStarted(ILogger logger, string labelId, string number, string scanId);
    }
}

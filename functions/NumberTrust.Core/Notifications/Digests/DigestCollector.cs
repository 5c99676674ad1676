using System.Collections.Concurrent;
using Azure.Data.Tables;
using NumberTrust.Appeals;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Storage;
using NumberTrust.Upkeep.Trust;

namespace NumberTrust.Notifications.Digests;

/// <summary>
/// Gathers one tenant's digest from the tables that already hold it: registrations and each number's status row (labels), its
/// history rows (changes), its trust day rows (drops), the tenant's scan runs (failed jobs) and appeals (open follow-ups).
/// </summary>
public sealed class DigestCollector(
    StorageAccount storage, NumberStore numbers, TrustHistoryStore trust, TrustScorer scorer, PlatformSelection selection, ScanRunService runs,
    AppealStore appeals)
{
    /// <summary>Items per section; the totals are complete. Keeps an event within a queue message and a table property.</summary>
    public const int MaxItems = 20;

    private const int PageSize = 100;

    /// <param name="since">Start of the window: the previous digest's composition, or a day before <paramref name="now"/>.</param>
    public async Task<DigestData> CollectAsync(
        string tenantId, DigestSettings settings, DateOnly localDate, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var labeled = new ConcurrentBag<DigestLabel>();
        var changes = new ConcurrentBag<DigestChange>();
        var drops = new ConcurrentBag<DigestTrustDrop>();
        var count = 0;
        string? after = null;
        do
        {
            var (page, last) = await numbers.ListAsync(tenantId, after, PageSize, cancellationToken);
            count += page.Count;
            await Parallel.ForEachAsync(page, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                (registration, ct) => new ValueTask(CollectNumberAsync(registration, since, now, labeled, changes, drops, ct)));
            after = last;
        }
        while (after is not null);

        var failed = await FailedScansAsync(tenantId, since, cancellationToken);
        var (followUps, _) = await appeals.ListAsync(
            tenantId, a => a.FollowUpOf is not null && AppealStateMachine.IsOpen(a.State), int.MaxValue, null, cancellationToken);

        var byPlatform = labeled.GroupBy(l => l.Platform, StringComparer.Ordinal)
            .Select(g => new DigestPlatformCount(g.Key, g.Count())).OrderByDescending(p => p.Count).ThenBy(p => p.Platform, StringComparer.Ordinal).ToList();
        return new DigestData(
            localDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), settings.TimeZone, since, now, count,
            new DigestLabeled(labeled.Count, byPlatform,
                labeled.OrderBy(l => l.Platform, StringComparer.Ordinal).ThenBy(l => l.Number, StringComparer.Ordinal).Take(MaxItems).ToList()),
            DigestSection<DigestChange>.Of(changes, c => c.OrderByDescending(x => x.At)),
            DigestSection<DigestTrustDrop>.Of(drops, d => d.OrderBy(x => x.To - x.From).ThenBy(x => x.Number, StringComparer.Ordinal)),
            DigestSection<DigestFailedScan>.Of(failed, f => f.OrderByDescending(x => x.StartedAt).ThenBy(x => x.Number, StringComparer.Ordinal)),
            DigestSection<DigestFollowUp>.Of(
                followUps.Select(a => new DigestFollowUp(a.Id, a.Number, a.Platform, a.Status, a.FollowUpOf!, a.CreatedAt)).ToList(),
                f => f.OrderByDescending(x => x.CreatedAt)));
    }

    private async Task CollectNumberAsync(
        RegistrationEntity registration, DateTimeOffset since, DateTimeOffset now, ConcurrentBag<DigestLabel> labeled, ConcurrentBag<DigestChange> changes,
        ConcurrentBag<DigestTrustDrop> drops, CancellationToken cancellationToken)
    {
        var e164 = registration.RowKey;
        var status = await numbers.StatusAsync(e164, cancellationToken);
        if (status is null)
        {
            return;
        }

        var shown = selection.ToShow(registration.Number(), registration.PlatformList).ToHashSet(StringComparer.Ordinal);
        var views = shown.Select(p => NumberStatusRow.ViewOf(status, p)).OfType<LabelStatusView>().ToList();
        foreach (var view in views.Where(v => v.State == nameof(ObservedState.Labeled)))
        {
            labeled.Add(new DigestLabel(e164, registration.DisplayName, view.Platform, view.Category, view.LabelText));
        }

        // History and trust rows change only with a label, so numbers without a recent change cost no further reads.
        if (views.Any(v => v.LastChangedAt >= since))
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {e164} and RowKey ge {LabelHistoryEntity.RowPrefix} and RowKey lt {TableKeys.After(LabelHistoryEntity.RowPrefix)} and ObservedAt ge {since}");
            await foreach (var row in storage.Table(TableNames.Numbers).QueryAsync<LabelHistoryEntity>(filter, cancellationToken: cancellationToken))
            {
                // A first reading (nothing → Clean) is not news; a change is one that a label took part in.
                if (shown.Contains(row.Platform) && row.ObservedAt <= now && (IsLabeled(row.FromState) || IsLabeled(row.ToState)))
                {
                    changes.Add(new DigestChange(e164, registration.DisplayName, row.Platform, row.FromState, row.ToState, row.FromCategory, row.ToCategory, row.LabelText, row.ObservedAt));
                }
            }
        }

        // Trust rows are per UTC day: today's score against yesterday's, for numbers that changed since yesterday began.
        if (views.Any(v => v.LastChangedAt >= since.AddDays(-1)))
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var recorded = await trust.DaysAsync(e164, today, cancellationToken);
            if (TrustSeries.On(recorded, today, shown, scorer) is { } score
                && TrustSeries.On(recorded, today.AddDays(-1), shown, scorer) is { } before
                && score < before)
            {
                drops.Add(new DigestTrustDrop(e164, registration.DisplayName, before, score));
            }
        }
    }

    private static bool IsLabeled(string state) => state == nameof(ObservedState.Labeled);

    /// <summary>Jobs that ended Unknown or Failed in the tenant's scan runs of the window.</summary>
    private async Task<IReadOnlyCollection<DigestFailedScan>> FailedScansAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        // Runs are partitioned by run id, so this is a filtered cross-partition query: once per tenant and day, not per request.
        var filter = TableClient.CreateQueryFilter($"RowKey eq {ScanRunEntity.HeaderRow} and TenantId eq {tenantId} and CreatedAt ge {since}");
        var failed = new List<DigestFailedScan>();
        await foreach (var run in storage.Table(TableNames.ScanRuns).QueryAsync<ScanRunEntity>(filter, cancellationToken: cancellationToken))
        {
            var view = await runs.ViewAsync(run, cancellationToken);
            failed.AddRange(view.Problems.Select(p => new DigestFailedScan(run.PartitionKey, p.Number, p.Platform, p.Status.ToString(), p.Detail, run.CreatedAt)));
        }

        return failed;
    }
}

using Azure;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Platforms;

namespace NumberTrust.Upkeep.Trust;

/// <summary>
/// Keeps the trust score's inputs per day: after a lookup that may have changed a label it reads the number's status row (what
/// <c>GET /api/numbers/{n}</c> scores) and records the labeled platforms when they differ from the last record.
/// </summary>
public sealed class TrustRecorder(TrustHistoryStore history, NumberStore numbers, PlatformIdSet platforms, TimeProvider time) : ILookupObserver
{
    private const int MaxRounds = 5;

    public async Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        // An unchanged result (the worker's fast path) or an unreadable one cannot move the score; both stay free of reads here.
        if (!lookup.MayHaveAppeal || lookup.Observation is { State: ObservedState.Unknown })
        {
            return;
        }

        for (var round = 1; ; round++)
        {
            // Current first, then the status row: a write is always based on a status read later than the record it replaces.
            var (before, etag) = await history.CurrentAsync(lookup.Number, cancellationToken);
            var row = await numbers.StatusAsync(lookup.Number, cancellationToken);
            if (row is null)
            {
                return;
            }

            var labels = platforms.Ids.Select(p => NumberStatusRow.ViewOf(row, p))
                .Where(v => v is { State: nameof(ObservedState.Labeled) })
                .Select(v => new ScoredLabel(v!.Platform, v.Category ?? "Other", v.Severity))
                .ToList();
            if (before is not null && before.SequenceEqual(labels))
            {
                return;
            }

            var now = time.GetUtcNow();
            try
            {
                await history.SaveAsync(lookup.Number, DateOnly.FromDateTime(now.UtcDateTime), labels, etag, now, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && round < MaxRounds)
            {
                // Another platform's lookup of this number recorded first: read both again.
            }
        }
    }
}

using System.Text.Json.Nodes;
using Azure.Data.Tables;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// Closes the loop: an appeal that is Submitted or InReview becomes Resolved only when lookups show the label gone on two consecutive
/// readable checks at least <see cref="MinimumGap"/> apart. Idempotent per job: a redelivered job finds its own id recorded (or the
/// appeal already Resolved by it, and then only re-publishes the event, whose id is stable).
/// </summary>
public sealed class AppealVerifier(StorageAccount storage, AppealStore appeals, EventPublisher events) : ILookupObserver
{
    public static readonly TimeSpan MinimumGap = TimeSpan.FromHours(12);

    public async Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        // An unchanged result planned while no appeal was open: skipped so the steady state stays one write (no marker query).
        if (lookup.Seen == ObservedState.Unknown || !lookup.MayHaveAppeal)
        {
            return; // Not a check: an unreadable answer neither confirms nor breaks a run of clean checks.
        }

        var suffix = "|" + lookup.Platform;
        await foreach (var marker in storage.Table(TableNames.Numbers).QueryAsync<TableEntity>(
            TableKeys.WithPrefix(lookup.Number, AppealStore.NumberMarkerPrefix), cancellationToken: cancellationToken))
        {
            if (marker.RowKey.EndsWith(suffix, StringComparison.Ordinal) && marker.GetString("AppealId") is { } id)
            {
                var tenantId = marker.RowKey[AppealStore.NumberMarkerPrefix.Length..^suffix.Length];
                await VerifyAsync(tenantId, id, lookup, cancellationToken);
            }
        }
    }

    private async Task VerifyAsync(string tenantId, string id, LookupCompleted lookup, CancellationToken cancellationToken)
    {
        var appeal = await appeals.FindAsync(tenantId, id, cancellationToken);
        if (appeal is null || appeal.CleanJobId == lookup.JobId)
        {
            return;
        }

        if (appeal.State == AppealStatus.Resolved)
        {
            if (appeal.VerifiedJobId == lookup.JobId)
            {
                await PublishResolvedAsync(appeal, cancellationToken); // the crash may have come between the transition and the event
            }

            return;
        }

        if (appeal.State is not (AppealStatus.Submitted or AppealStatus.InReview))
        {
            return;
        }

        if (lookup.Seen == ObservedState.Labeled)
        {
            if (appeal.CleanJobId is not null)
            {
                await appeals.ChangeAsync(tenantId, id, appeal.EntityTag, null, "verifier", $"label seen again by lookup {lookup.JobId}",
                    a => (a.CleanJobId, a.CleanAt) = (null, null), cancellationToken);
            }

            return;
        }

        if (appeal.CleanAt is { } first && lookup.CheckedAt - first >= MinimumGap)
        {
            var why = $"verified: label gone on lookup {appeal.CleanJobId} at {first:O} and lookup {lookup.JobId} at {lookup.CheckedAt:O}";
            var (outcome, resolved) = await appeals.ChangeAsync(tenantId, id, appeal.EntityTag, AppealStatus.Resolved, "verifier", why,
                a => a.VerifiedJobId = lookup.JobId, cancellationToken);
            if (outcome == AppealWriteOutcome.Done)
            {
                await PublishResolvedAsync(resolved!, cancellationToken);
            }
            else if (outcome == AppealWriteOutcome.PreconditionFailed)
            {
                throw new InvalidOperationException($"Appeal {id} changed while it was being verified; the lookup job retries.");
            }

            return;
        }

        if (appeal.CleanAt is null)
        {
            var (outcome, _) = await appeals.ChangeAsync(tenantId, id, appeal.EntityTag, null, "verifier",
                $"label gone on lookup {lookup.JobId} at {lookup.CheckedAt:O}; awaiting a second check {MinimumGap.TotalHours:0} h later",
                a => (a.CleanJobId, a.CleanAt) = (lookup.JobId, lookup.CheckedAt), cancellationToken);
            if (outcome == AppealWriteOutcome.PreconditionFailed)
            {
                throw new InvalidOperationException($"Appeal {id} changed while it was being verified; the lookup job retries.");
            }
        }
    }

    private Task PublishResolvedAsync(AppealEntity appeal, CancellationToken cancellationToken) => events.PublishAsync(
        new NotificationEvent(NotificationEvent.CurrentVersion, $"appeal-{appeal.Id}-resolved", EventTypes.AppealResolved, appeal.ClosedAt ?? appeal.UpdatedAt,
            appeal.Number, appeal.PartitionKey, appeal.Platform, null,
            new JsonObject { ["appealId"] = appeal.Id, ["firstCleanJobId"] = appeal.CleanJobId, ["firstCleanAt"] = appeal.CleanAt, ["verifiedJobId"] = appeal.VerifiedJobId }),
        cancellationToken);
}

using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// Closes the loop: an appeal that is Submitted or InReview becomes Resolved only when lookups show the label gone on two consecutive
/// readable checks at least <c>Appeals:VerificationGap</c> (12 h) apart. Idempotent per job: a redelivered job finds its own id recorded (or the
/// appeal already Resolved by it, and then only re-publishes the event, whose id is stable).
/// </summary>
public sealed class AppealVerifier(
    StorageAccount storage, AppealStore appeals, EventPublisher events, TimeProvider clock, Microsoft.Extensions.Options.IOptionsMonitor<AppealVerificationOptions> verification)
    : ILookupObserver
{
    private TimeSpan MinimumGap => verification.CurrentValue.VerificationGap;

    /// <summary>A label back within this long after a verified removal is a relabel (a follow-up is opened).</summary>
    public static readonly TimeSpan RelabelWindow = TimeSpan.FromDays(90);

    /// <summary>Row-key prefix of the markers <c>resolved|{tenant}|{platform}</c> in a number's partition: resolved appeals watched for a relabel.</summary>
    public const string ResolvedMarkerPrefix = "resolved|";

    public async Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        // An unchanged result planned while no appeal was open: skipped so the steady state stays one write (no marker query).
        if (lookup.Seen == ObservedState.Unknown || !lookup.MayHaveAppeal)
        {
            return; // Not a check: an unreadable answer neither confirms nor breaks a run of clean checks.
        }

        // One point read of the facts row says whether any marker can exist; a range query is a scan of the table on Azurite.
        var facts = await storage.Table(TableNames.Numbers).GetEntityIfExistsAsync<TableEntity>(
            lookup.Number, NumberFactsEntity.Row, [nameof(NumberFactsEntity.AppealOpen), nameof(NumberFactsEntity.RelabelWatchUntil)], cancellationToken);
        var appealOpen = facts.HasValue && (facts.Value!.GetBoolean(nameof(NumberFactsEntity.AppealOpen)) ?? false);
        var watched = facts.HasValue && facts.Value!.GetDateTimeOffset(nameof(NumberFactsEntity.RelabelWatchUntil)) is { } until && until >= lookup.CheckedAt;
        var suffix = "|" + lookup.Platform;
        if (appealOpen)
        {
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

        if (watched && lookup.Seen == ObservedState.Labeled)
        {
            await DetectRelabelAsync(lookup, cancellationToken);
        }
    }

    /// <summary>
    /// A label seen again on the platform of a resolved appeal within <see cref="RelabelWindow"/>: opens a draft follow-up that refers
    /// to the earlier evidence, marks the resolved appeal (with the appeal.relabeled event in the same transaction) and drops the
    /// marker. A redelivery finds the follow-up already open (its open marker) and only completes what is missing.
    /// </summary>
    private async Task DetectRelabelAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        var numbers = storage.Table(TableNames.Numbers);
        var suffix = "|" + lookup.Platform;
        await foreach (var marker in numbers.QueryAsync<TableEntity>(TableKeys.WithPrefix(lookup.Number, ResolvedMarkerPrefix), cancellationToken: cancellationToken))
        {
            if (!marker.RowKey.EndsWith(suffix, StringComparison.Ordinal) || marker.GetString("AppealId") is not { } id)
            {
                continue;
            }

            var tenantId = marker.RowKey[ResolvedMarkerPrefix.Length..^suffix.Length];
            var resolved = await appeals.FindAsync(tenantId, id, cancellationToken);
            if (resolved is { RelabeledAt: null, ClosedAt: { } closedAt })
            {
                if (lookup.CheckedAt <= closedAt)
                {
                    continue; // an older job delivered late says nothing about a relabel
                }

                if (lookup.CheckedAt - closedAt <= RelabelWindow)
                {
                    await RelabelAsync(resolved, lookup, cancellationToken);
                }
            }

            await numbers.DeleteEntityAsync(lookup.Number, marker.RowKey, ETag.All, cancellationToken);
        }
    }

    private async Task RelabelAsync(AppealEntity resolved, LookupCompleted lookup, CancellationToken cancellationToken)
    {
        var tenantId = resolved.PartitionKey;
        var (outcome, followUp) = await appeals.CreateAsync(tenantId, new AppealEntity
        {
            Number = resolved.Number,
            Platform = resolved.Platform,
            Reason = resolved.Reason,
            ContactName = resolved.ContactName,
            ContactPhone = resolved.ContactPhone,
            ContactEmail = resolved.ContactEmail,
            CompanyName = resolved.CompanyName,
            RegistrationId = resolved.RegistrationId,
            Text = resolved.Text,
            LabelText = lookup.LabelText,
            LabelFirstSeenAt = lookup.CheckedAt,
            FollowUpOf = resolved.Id,
            // The files stay the resolved appeal's blobs; the follow-up refers to them, so deleting its entries never removes them.
            EvidenceJson = EvidenceFile.Serialize(resolved.Evidence.ToDictionary(e => e.Key, e => e.Value with { CopiedFrom = e.Value.CopiedFrom ?? resolved.Id })),
        }, "verifier", $"relabeled: label back on lookup {lookup.JobId} at {lookup.CheckedAt:O}; follows up {resolved.Id}", cancellationToken);
        var followUpId = outcome == AppealWriteOutcome.AlreadyOpen
            ? await appeals.OpenAppealIdAsync(tenantId, resolved.Number, resolved.Platform, cancellationToken)
            : followUp.Id;
        var (marked, _) = await appeals.ChangeAsync(tenantId, resolved.Id, resolved.EntityTag, null, "verifier",
            $"relabeled: label back on lookup {lookup.JobId} at {lookup.CheckedAt:O}; follow-up appeal {followUpId}",
            a => (a.RelabeledAt, a.FollowUpId) = (lookup.CheckedAt, followUpId),
            new AppealEffects(Event: a => AppealsApi.Event(a, EventTypes.Relabeled, "relabeled", clock, new JsonObject
            {
                ["followUpAppealId"] = followUpId,
                ["jobId"] = lookup.JobId,
                ["labelSeenAt"] = lookup.CheckedAt,
                ["category"] = lookup.Category,
                ["labelText"] = lookup.LabelText,
            })), cancellationToken);
        if (marked == AppealWriteOutcome.PreconditionFailed)
        {
            throw new InvalidOperationException($"Appeal {resolved.Id} changed while its relabel was recorded; the lookup job retries.");
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
                $"label gone on lookup {lookup.JobId} at {lookup.CheckedAt:O}; awaiting a second check {(MinimumGap.TotalHours >= 1 ? $"{MinimumGap.TotalHours:0.#} h" : $"{MinimumGap.TotalSeconds:0} s")} later",
                a => (a.CleanJobId, a.CleanAt) = (lookup.JobId, lookup.CheckedAt), cancellationToken);
            if (outcome == AppealWriteOutcome.PreconditionFailed)
            {
                throw new InvalidOperationException($"Appeal {id} changed while it was being verified; the lookup job retries.");
            }
        }
    }

    private async Task PublishResolvedAsync(AppealEntity appeal, CancellationToken cancellationToken)
    {
        // Watched for a relabel from now on (idempotent: a redelivery writes the same marker); the facts row says so in the same transaction.
        var closedAt = appeal.ClosedAt ?? appeal.UpdatedAt;
        await storage.Table(TableNames.Numbers).SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpsertReplace, new TableEntity(appeal.Number, $"{ResolvedMarkerPrefix}{appeal.PartitionKey}|{appeal.Platform}")
            {
                ["AppealId"] = appeal.Id,
                ["ResolvedAt"] = appeal.ClosedAt,
            }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(appeal.Number, NumberFactsEntity.Row)
            {
                [nameof(NumberFactsEntity.RelabelWatchUntil)] = closedAt + RelabelWindow,
            }),
        ], cancellationToken);
        await PublishResolvedEventAsync(appeal, cancellationToken);
    }

    private Task PublishResolvedEventAsync(AppealEntity appeal, CancellationToken cancellationToken) => events.PublishAsync(
        new NotificationEvent(NotificationEvent.CurrentVersion, $"appeal-{appeal.Id}-resolved", EventTypes.AppealResolved, appeal.ClosedAt ?? appeal.UpdatedAt,
            appeal.Number, appeal.PartitionKey, appeal.Platform, null,
            new JsonObject { ["appealId"] = appeal.Id, ["firstCleanJobId"] = appeal.CleanJobId, ["firstCleanAt"] = appeal.CleanAt, ["verifiedJobId"] = appeal.VerifiedJobId }),
        cancellationToken);
}

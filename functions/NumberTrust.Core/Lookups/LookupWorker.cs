using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using System.Text.Json.Nodes;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Storage;
using NumberTrust.Telemetry;

namespace NumberTrust.Lookups;

/// <summary>
/// Runs one lookup job: asks the platform, applies the observation to the number's state on that platform, and records history
/// and events. Correct under at-least-once delivery: state, history row and event rows are one entity-group transaction in the
/// number's partition, conditional on the state's ETag, and the state remembers the last applied job id, so a redelivered job is
/// recognised and never applied twice. Follow-ups (sending events to <c>alerts</c>, refreshing the watching tenants' label
/// summaries) run after the transaction and are redone by whoever next finds them pending.
/// </summary>
public sealed partial class LookupWorker(
    StorageAccount storage, ILabelSource source, PlatformSelection platforms, ScanRunStore runs, EventPublisher publisher, IOptions<LookupOptions> options,
    ILabelSeverity severity, IEnumerable<ILookupObserver> observers, LookupClaims claims, IOptionsMonitor<SharedLookupOptions> sharing, TimeProvider time,
    ILogger<LookupWorker> logger)
{
    /// <summary>Partition prefix of the rows (in the scan-runs table) that remember why a job's last attempt failed.</summary>
    public const string FailurePartitionPrefix = "failure|";

    private const string FailureRow = "last";
    private const int MaxConflictRetries = 5;
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Handles a job; an attempt that fails records why before the queue trigger retries or poisons it.</summary>
    public async Task RunAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await RecordFailureAsync(message, e, cancellationToken);
            throw;
        }
    }

    public async Task HandleAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var job = QueueMessageJson.Deserialize<LookupJobMessage>(message.Body, LookupJobMessage.CurrentVersion);
        if (message.DequeueCount <= 1 && (job.NotBefore ?? message.InsertionTime) is { } dueSince)
        {
            NumberTrustTelemetry.RecordLookupWait(job.Platform, time.GetUtcNow() - dueSince);
        }

        var number = NumberParser.FromStored(job.Number, job.Region, job.NumberType);
        var table = storage.Table(TableNames.Numbers);
        var rowKey = LabelStateEntity.RowFor(job.Platform);

        Observation? observation = null;
        if (job is { Expected.Length: > 0, RunId: null })
        {
            // Planned against a settled state: look first, and if nothing changed, record the check without reading the state.
            observation = await LookupAsync(job, number, cancellationToken);
            if (observation.ShouldReschedule && job.Reschedules < options.Value.MaxReschedules)
            {
                await RescheduleAsync(job, observation, cancellationToken);
                return;
            }

            if (LabelFingerprint.Of(observation) == job.Expected && await TryRecordUnchangedAsync(table, job, rowKey, observation, cancellationToken))
            {
                Log.Unchanged(logger, job.JobId, job.Number, job.Platform);
                await NotifyObserversAsync(
                    new LookupCompleted(job.JobId, job.Number, job.Platform, time.GetUtcNow(), observation.State, observation.Category, observation.LabelText, observation,
                        MayHaveAppeal: false),
                    cancellationToken);
                return;
            }
        }

        var claim = new ClaimHeld();
        try
        {
            await ApplyAsync(job, number, table, rowKey, observation, claim, cancellationToken);
        }
        finally
        {
            if (claim.Claim is { } held)
            {
                await claims.ReleaseAsync(held, CancellationToken.None);
            }
        }
    }

    /// <summary>The claim a job holds, released when the job is done whatever the outcome.</summary>
    private sealed class ClaimHeld
    {
        public LookupClaim? Claim { get; set; }
    }

    private async Task ApplyAsync(
        LookupJobMessage job, CanonicalNumber number, TableClient table, string rowKey, Observation? observation, ClaimHeld held, CancellationToken cancellationToken)
    {
        // On-demand jobs share a fresh enough observation of the number and platform, or a lookup in flight (its claim).
        var since = job.RunId is null ? (DateTimeOffset?)null : job.DueAt - (job.MaxAge is { } maxAge && maxAge < sharing.CurrentValue.SharedFreshness ? maxAge : sharing.CurrentValue.SharedFreshness);
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > MaxConflictRetries)
            {
                throw new InvalidOperationException($"The state of {job.Number} on {job.Platform} kept changing under job {job.JobId}; giving this attempt up.");
            }

            var found = await table.GetEntityIfExistsAsync<LabelStateEntity>(job.Number, rowKey, cancellationToken: cancellationToken);
            var prior = found.HasValue ? found.Value : null;
            if (prior is not null && prior.LastJobId == job.JobId)
            {
                // Redelivered after it was applied: finish what may be left and stop.
                if (prior.FollowUpPending)
                {
                    await FollowUpAsync(job.Number, prior, null, cancellationToken);
                }

                await NotifyObserversAsync(Completed(job, prior, null), cancellationToken);
                await RecordRunAsync(job, prior, cancellationToken);
                return;
            }

            if (prior is { FollowUpPending: true })
            {
                await FollowUpAsync(job.Number, prior, null, cancellationToken);
                continue; // the follow-up changed the row's ETag
            }

            if (observation is null && since is { } freshSince)
            {
                if (LookupClaims.IsFresh(prior, freshSince))
                {
                    await RecordSharedAsync(job, prior!, cancellationToken);
                    return;
                }

                if (held.Claim is null)
                {
                    if (await claims.TryClaimAsync(job.Number, job.Platform, job.JobId, cancellationToken) is { } mine)
                    {
                        held.Claim = mine;
                    }
                    else
                    {
                        await claims.WaitWhileClaimedAsync(job.Number, job.Platform, cancellationToken);
                    }

                    // Read the state again: the lookup just waited for, or one finished between our read and our claim, may answer us.
                    attempt--;
                    continue;
                }
            }

            if (observation is null)
            {
                observation = await LookupAsync(job, number, cancellationToken);
                if (observation.ShouldReschedule && job.Reschedules < options.Value.MaxReschedules)
                {
                    await RescheduleAsync(job, observation, cancellationToken);
                    return;
                }
            }

            var transition = LabelStateMachine.Apply(job.Number, job.Platform, prior, observation, job.JobId, time.GetUtcNow(), options.Value, severity.Rank);
            var actions = new List<TableTransactionAction>
            {
                prior is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, transition.State)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, transition.State, prior.ETag),
                FingerprintAction(job.Number, transition.State),
                NumberStatusRow.Written(transition.State),
            };
            if (transition.History is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, transition.History));
            }

            actions.AddRange(transition.Events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken);
                transition.State.ETag = response.Value[0].Headers.ETag ?? default;
                var first = actions.Count - transition.Events.Count;
                for (var i = 0; i < transition.Events.Count; i++)
                {
                    transition.Events[i].ETag = response.Value[first + i].Headers.ETag ?? default;
                }
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Another worker changed this platform's state since we read it: read again and re-apply the same observation.
                Log.Conflict(logger, job.JobId, job.Number, job.Platform);
                continue;
            }

            Log.Applied(logger, job.JobId, job.Number, job.Platform, observation.State, transition.History is not null, transition.Events.Count);
            if (transition.State.FollowUpPending)
            {
                await FollowUpAsync(job.Number, transition.State, transition.Events, cancellationToken);
            }

            await NotifyObserversAsync(Completed(job, transition.State, observation), cancellationToken);
            await RecordRunAsync(job, transition.State, cancellationToken);
            return;
        }
    }

    /// <summary>Answers an on-demand job from the observation another job (any tenant's, or the schedule's) left on the state.</summary>
    private async Task RecordSharedAsync(LookupJobMessage job, LabelStateEntity state, CancellationToken cancellationToken)
    {
        Log.Shared(logger, job.JobId, job.Number, job.Platform, state.LastReadAt ?? default);
        await runs.RecordAsync(job.RunId!, job.Platform, job.Number, ScanJobStatus.Done, ResultOf(state), cancellationToken, shared: true, observedAt: state.LastReadAt);
    }

    private static string ResultOf(LabelStateEntity state) =>
        state.State == nameof(ObservedState.Labeled) ? $"{state.Category}: {state.LabelText}" : state.State;

    private async Task<Observation> LookupAsync(LookupJobMessage job, CanonicalNumber number, CancellationToken cancellationToken)
    {
        var observation = await source.LookupAsync(job.Platform, number, cancellationToken);
        NumberTrustTelemetry.Lookups.Add(
            1,
            new KeyValuePair<string, object?>("platform", job.Platform),
            new KeyValuePair<string, object?>("outcome", observation.State.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("reason", observation.UnknownReason));
        return observation;
    }

    /// <summary>Records why a job ended in the poison queue, on the platform state and on its scan run.</summary>
    public async Task HandlePoisonAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        if (QueueMessageJson.TryDeserialize<LookupJobMessage>(message.Body, LookupJobMessage.CurrentVersion, out var error) is not { } job)
        {
            Log.UnreadablePoison(logger, message.Id, error!);
            return;
        }

        var reason = "Lookup failed on every attempt the queue allows (maxDequeueCount) and was given up (poison queue).";
        var failure = await FailureReasonAsync(job, cancellationToken) ?? reason;
        var now = time.GetUtcNow();
        await storage.Table(TableNames.Numbers).SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(job.Number, LabelStateEntity.RowFor(job.Platform))
                {
                    [nameof(LabelStateEntity.LastFailure)] = failure,
                    [nameof(LabelStateEntity.LastFailureAt)] = now,
                }),
                NumberStatusRow.Failed(job.Number, job.Platform, failure, now),
            ],
            cancellationToken);
        if (job.RunId is not null)
        {
            await runs.RecordAsync(job.RunId, job.Platform, job.Number, ScanJobStatus.Failed, failure, cancellationToken);
        }

        Log.Poisoned(logger, job.JobId, job.Number, job.Platform, failure);
    }

    /// <summary>Remembers why an attempt failed so the poison handler can say why; best effort.</summary>
    public async Task RecordFailureAsync(QueueMessageContext message, Exception exception, CancellationToken cancellationToken)
    {
        try
        {
            var job = QueueMessageJson.Deserialize<LookupJobMessage>(message.Body, LookupJobMessage.CurrentVersion);
            await storage.Table(TableNames.ScanRuns).UpsertEntityAsync(
                new TableEntity(FailurePartitionPrefix + job.JobId, FailureRow)
                {
                    ["Reason"] = $"{exception.GetType().Name}: {exception.Message}",
                    ["DequeueCount"] = message.DequeueCount,
                    ["At"] = time.GetUtcNow(),
                },
                TableUpdateMode.Replace,
                cancellationToken);
        }
        catch (Exception e) when (e is InvalidMessageException or RequestFailedException)
        {
            Log.FailureNotRecorded(logger, message.Id, e.Message);
        }
    }

    private async Task<string?> FailureReasonAsync(LookupJobMessage job, CancellationToken cancellationToken)
    {
        var row = await storage.Table(TableNames.ScanRuns).GetEntityIfExistsAsync<TableEntity>(FailurePartitionPrefix + job.JobId, FailureRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("Reason") : null;
    }

    private async Task RescheduleAsync(LookupJobMessage job, Observation observation, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(Math.Min(options.Value.MaxBackoff.TotalSeconds, 5 * Math.Pow(2, job.Reschedules)));
        var delay = observation.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero ? retryAfter : backoff;
        delay += TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000)); // jitter, so rescheduled jobs do not return in lockstep
        if (delay > options.Value.MaxBackoff)
        {
            delay = options.Value.MaxBackoff;
        }

        await storage.Queue(QueueNames.Lookups).SendMessageAsync(
            QueueMessageJson.Serialize(job with { Reschedules = job.Reschedules + 1, NotBefore = time.GetUtcNow() + delay }), delay, cancellationToken: cancellationToken);
        Log.Rescheduled(logger, job.JobId, job.Platform, observation.UnknownReason ?? "", delay, job.Reschedules + 1);
        if (job.RunId is not null)
        {
            await runs.RecordAsync(job.RunId, job.Platform, job.Number, ScanJobStatus.Queued, $"rescheduled: {observation.UnknownReason}", cancellationToken);
        }
    }

    /// <summary>
    /// Sends the number's undispatched events, refreshes the watching tenants' summaries, and clears the state's pending flag.
    /// Each event is claimed first (an ETag-conditional write), so two follow-ups running at once never both send it; a claim
    /// whose sender died expires after <see cref="ClaimTimeout"/> and the event is sent by the next follow-up.
    /// </summary>
    /// <param name="known">The events the caller just wrote (with their ETags); null to look for any left undispatched.</param>
    private async Task FollowUpAsync(string number, LabelStateEntity state, IReadOnlyList<LabelEventEntity>? known, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.Numbers);
        var filter = TableKeys.WithPrefix(number, LabelEventEntity.RowPrefix);
        var events = known is not null ? known.ToAsyncEnumerable() : table.QueryAsync<LabelEventEntity>(filter, cancellationToken: cancellationToken);
        await foreach (var listed in events.WithCancellation(cancellationToken))
        {
            var row = listed;
            if (known is null && !row.Dispatched && row.ClaimedAt is { } claimedAt && time.GetUtcNow() - claimedAt < ClaimTimeout)
            {
                // Recovering after a crash: the claim may belong to a sender that died. Wait it out, then look again.
                await Task.Delay(ClaimTimeout - (time.GetUtcNow() - claimedAt), time, cancellationToken);
                var reread = await table.GetEntityIfExistsAsync<LabelEventEntity>(number, row.RowKey, cancellationToken: cancellationToken);
                if (!reread.HasValue)
                {
                    continue;
                }

                row = reread.Value!;
            }

            if (row.Dispatched || (row.ClaimedAt is { } claimed && time.GetUtcNow() - claimed < ClaimTimeout))
            {
                continue;
            }

            Response claim;
            try
            {
                claim = await table.UpdateEntityAsync(
                    new TableEntity(number, row.RowKey) { [nameof(LabelEventEntity.ClaimedAt)] = time.GetUtcNow() }, row.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed())
            {
                continue; // another follow-up claimed it
            }

            var type = Enum.Parse<LabelEventType>(row.Type);
            await publisher.PublishAsync(
                new NotificationEvent(
                    NotificationEvent.CurrentVersion, row.EventId, EventTypes.ForLabel(type), row.OccurredAt, number, null, row.Platform,
                    row.ToCategory ?? row.FromCategory,
                    new JsonObject
                    {
                        ["fromCategory"] = row.FromCategory,
                        ["toCategory"] = row.ToCategory,
                        ["direction"] = row.Direction,
                        ["fromCount"] = row.FromCount,
                        ["toCount"] = row.ToCount,
                        ["labelText"] = row.LabelText,
                    }),
                cancellationToken);
            await table.UpdateEntityAsync(
                new TableEntity(number, row.RowKey) { [nameof(LabelEventEntity.Dispatched)] = true }, claim.Headers.ETag ?? ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        await RefreshSummariesAsync(number, cancellationToken);
        try
        {
            state.FollowUpPending = false;
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(
                        TableTransactionActionType.UpdateMerge, new TableEntity(number, state.RowKey) { [nameof(LabelStateEntity.FollowUpPending)] = false }, state.ETag),
                    FingerprintAction(number, state),
                ],
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed())
        {
            // The state moved on meanwhile; its new writer sees the flag and finishes the follow-up.
        }
    }

    /// <summary>
    /// The facts row's copy of a platform's <see cref="LabelFingerprint"/> and labeled category, written in the same transaction as
    /// the state.
    /// </summary>
    private static TableTransactionAction FingerprintAction(string number, LabelStateEntity state) =>
        new(TableTransactionActionType.UpsertMerge, new TableEntity(number, NumberFactsEntity.Row)
        {
            [LabelFingerprint.PropertyFor(state.Platform)] = LabelFingerprint.Of(state),
            [LabelFingerprint.LabelPropertyFor(state.Platform)] = LabelFingerprint.LabelOf(state),
        });

    /// <summary>
    /// The unchanged result of a job planned against a settled state: one merge of the check time and evidence. False when the state
    /// row is gone (then the job takes the reading path).
    /// </summary>
    private async Task<bool> TryRecordUnchangedAsync(TableClient table, LookupJobMessage job, string rowKey, Observation observation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var excerpt = observation.EvidenceExcerpt is { Length: > 500 } full ? full[..500] : observation.EvidenceExcerpt;
        var check = new TableEntity(job.Number, rowKey)
        {
            [nameof(LabelStateEntity.LastJobId)] = job.JobId,
            [nameof(LabelStateEntity.LastCheckedAt)] = now,
            [nameof(LabelStateEntity.LastReadAt)] = now,
            // A readable answer ends any unknown streak, even one that began after this job was planned.
            [nameof(LabelStateEntity.ConsecutiveUnknowns)] = 0,
            [nameof(LabelStateEntity.UnreadableRaised)] = false,
            [nameof(LabelStateEntity.LastUnknownReason)] = "",
            [nameof(LabelStateEntity.EvidenceUrl)] = observation.EvidenceUrl,
            [nameof(LabelStateEntity.EvidenceStatus)] = observation.EvidenceStatus,
            [nameof(LabelStateEntity.EvidenceExcerpt)] = excerpt,
        };
        try
        {
            // One entity-group transaction: the state row and the number's status row move together, for one table transaction.
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, check, ETag.All),
                    NumberStatusRow.Checked(job.Number, job.Platform, now, observation, excerpt),
                ],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Denormalises the number's overall label status into each watching tenant's registration, for list filters.</summary>
    private async Task RefreshSummariesAsync(string number, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.Numbers);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(number, NumberFactsEntity.Row, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return;
        }

        var row = found.Value!;
        var facts = NumberFactsEntity.From(row);
        var watchers = facts.WatcherList();
        var canonical = NumberParser.FromStored(number, facts.Region, facts.NumberType);
        var shown = platforms.ToShow(canonical, watchers.SelectMany(w => w.Platforms));
        // Every state change copies the platform's labeled category onto the facts row (same transaction), so one read answers
        // for every platform. A platform with a digest but no category was written before the category was kept there: its state
        // is read instead. A platform with neither has never been read.
        var labeled = (await Task.WhenAll(shown.Select(async p =>
            {
                if (row.GetString(LabelFingerprint.LabelPropertyFor(p)) is { } category)
                {
                    return (Platform: p, Category: category);
                }

                if (!row.ContainsKey(LabelFingerprint.PropertyFor(p)))
                {
                    return (Platform: p, Category: "");
                }

                var state = await table.GetEntityIfExistsAsync<LabelStateEntity>(number, LabelStateEntity.RowFor(p), cancellationToken: cancellationToken);
                return (Platform: p, Category: state.HasValue ? LabelFingerprint.LabelOf(state.Value!) : "");
            })))
            .Where(l => l.Category.Length > 0)
            .ToList();

        var worst = labeled.Count == 0 ? null : labeled.MaxBy(l => severity.Rank(l.Category)).Category;
        var summary = new TableEntity("", number)
        {
            [nameof(RegistrationEntity.Labeled)] = labeled.Count > 0,
            [nameof(RegistrationEntity.LabeledPlatforms)] = JsonSerializer.Serialize(labeled.Select(l => l.Platform).Order(StringComparer.Ordinal)),
            [nameof(RegistrationEntity.LabelCategories)] = JsonSerializer.Serialize(labeled.Select(l => l.Category).Distinct().Order(StringComparer.Ordinal)),
            [nameof(RegistrationEntity.WorstCategory)] = worst,
        };
        var registrations = storage.Table(TableNames.Registrations);
        foreach (var watcher in watchers)
        {
            summary.PartitionKey = watcher.TenantId;
            try
            {
                await registrations.UpdateEntityAsync(summary, ETag.All, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                // The tenant deleted the registration; its watcher entry is on its way out too.
            }
        }
    }

    /// <summary>What the job saw: its own observation, or (redelivered) the stored state it left, Unknown if it left an unknown streak.</summary>
    private static LookupCompleted Completed(LookupJobMessage job, LabelStateEntity state, Observation? observation)
    {
        var checkedAt = state.LastCheckedAt ?? DateTimeOffset.MinValue;
        if (observation is not null)
        {
            return new LookupCompleted(job.JobId, job.Number, job.Platform, checkedAt, observation.State, observation.Category, observation.LabelText, observation);
        }

        var seen = state.ConsecutiveUnknowns > 0 ? ObservedState.Unknown : Enum.Parse<ObservedState>(state.State);
        return new LookupCompleted(job.JobId, job.Number, job.Platform, checkedAt, seen, seen == ObservedState.Labeled ? state.Category : null,
            seen == ObservedState.Labeled ? state.LabelText : null, null);
    }

    private async Task NotifyObserversAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.OnLookupCompletedAsync(lookup, cancellationToken);
        }
    }

    private async Task RecordRunAsync(LookupJobMessage job, LabelStateEntity state, CancellationToken cancellationToken)
    {
        if (job.RunId is null)
        {
            return;
        }

        var status = state.ConsecutiveUnknowns > 0 && state.LastJobId == job.JobId ? ScanJobStatus.Unknown : ScanJobStatus.Done;
        var detail = status == ScanJobStatus.Unknown ? state.LastUnknownReason : ResultOf(state);
        await runs.RecordAsync(job.RunId, job.Platform, job.Number, status, detail, cancellationToken,
            observedAt: status == ScanJobStatus.Done ? state.LastReadAt : state.LastCheckedAt);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4109, Level = LogLevel.Debug, Message = "Job {JobId}: {Number} on {Platform} unchanged (checked without reading the state)")]
        public static partial void Unchanged(ILogger logger, string jobId, string number, string platform);

        [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Job {JobId}: {Number} on {Platform} -> {State} (history {History}, events {Events})")]
        public static partial void Applied(ILogger logger, string jobId, string number, string platform, ObservedState state, bool history, int events);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Job {JobId}: state of {Number} on {Platform} changed concurrently; re-applying")]
        public static partial void Conflict(ILogger logger, string jobId, string number, string platform);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Job {JobId} on {Platform} rescheduled ({Reason}) in {Delay} (reschedule {Count})")]
        public static partial void Rescheduled(ILogger logger, string jobId, string platform, string reason, TimeSpan delay, int count);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Job {JobId}: lookup of {Number} on {Platform} poisoned: {Reason}")]
        public static partial void Poisoned(ILogger logger, string jobId, string number, string platform, string reason);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Poison message {MessageId} is not a lookup job: {Reason}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string reason);

        [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Job {JobId}: {Number} on {Platform} answered from the shared observation read at {ReadAt}")]
        public static partial void Shared(ILogger logger, string jobId, string number, string platform, DateTimeOffset readAt);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Could not record the failure of message {MessageId}: {Reason}")]
        public static partial void FailureNotRecorded(ILogger logger, string messageId, string reason);
    }
}

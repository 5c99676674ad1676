using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Email;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// A message on the <c>appeal-sends</c> queue: make attempt <see cref="Attempt"/> of an appeal's channel send. A message whose attempt
/// the send row has moved past is stale and dropped, so duplicates and the sweep's re-enqueues do nothing twice.
/// </summary>
public sealed record AppealSendMessage(int Version, string TenantId, string AppealId, int Attempt) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}

/// <summary>
/// The <c>appeal-sends</c> consumer: sends a submitted Email appeal through ACS (stable Operation-Id per appeal, so one mail however
/// often this runs) or POSTs an Api appeal to the vendor and polls its operation, then records the outcome on the appeal in the same
/// transaction as the send row: a note with the operation id, or the vendor's decision through <see cref="AppealsApi.ApplyUpdateAsync"/>
/// (InReview or Rejected, never Resolved). Failures are notes and are retried with back-off; the appeal stays Submitted.
/// </summary>
public sealed partial class AppealSender(
    StorageAccount storage, AppealStore appeals, AppealRoutes routes, EvidenceStore evidence, EmailChannel email, RemediationApiClient api,
    IOptionsMonitor<AppealsOptions> options, TimeProvider clock, ILogger<AppealSender> logger)
{
    private TableClient Table => storage.Table(TableNames.Appeals);

    private AppealChannelOptions Options => options.CurrentValue.Channels;

    /// <summary>The send row a submission writes in its transaction (the outbox entry of the channel).</summary>
    public static AppealSendEntity NewSend(AppealEntity appeal, AppealChannel channel, DateTimeOffset now) => new()
    {
        PartitionKey = appeal.PartitionKey,
        RowKey = AppealSendEntity.RowOf(appeal.Id),
        Channel = channel.ToString(),
        OperationId = channel == AppealChannel.Email ? AppealEmail.OperationIdFor(appeal.PartitionKey, appeal.Id).ToString("D") : null,
        NextAttemptAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public async Task EnqueueAsync(string tenantId, string appealId, int attempt, TimeSpan delay, CancellationToken cancellationToken)
    {
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : delay;
        await storage.Queue(QueueNames.AppealSends).SendMessageAsync(
            QueueMessageJson.Serialize(new AppealSendMessage(AppealSendMessage.CurrentVersion, tenantId, appealId, attempt)), visibility,
            cancellationToken: cancellationToken);
    }

    /// <summary>The first attempt's message, right after the submission commits; if it cannot be queued now the sweep queues it.</summary>
    public async Task EnqueueSafelyAsync(string tenantId, string appealId, CancellationToken cancellationToken)
    {
        try
        {
            await EnqueueAsync(tenantId, appealId, 0, TimeSpan.Zero, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            Log.EnqueueFailed(logger, appealId, e.Message);
        }
    }

    public async Task SendAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var request = QueueMessageJson.Deserialize<AppealSendMessage>(message.Body, AppealSendMessage.CurrentVersion);
        var send = await appeals.SendAsync(request.TenantId, request.AppealId, cancellationToken);
        var now = clock.GetUtcNow();
        if (send is null || send.State is AppealSendStatus.Done or AppealSendStatus.Failed || send.Attempt != request.Attempt ||
            (send.ClaimedUntil > now && send.ClaimedBy != message.Id))
        {
            Log.Skipped(logger, request.AppealId, request.Attempt, send?.Status ?? "missing", send?.Attempt ?? -1);
            return;
        }

        send.ClaimedBy = message.Id;
        send.ClaimedUntil = now + Options.EmailTimeout + Options.RequestTimeout + TimeSpan.FromMinutes(1);
        try
        {
            send.ETag = (await Table.UpdateEntityAsync(send, send.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? default;
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            Log.LostClaim(logger, request.AppealId);
            return;
        }

        var appeal = await appeals.FindAsync(request.TenantId, request.AppealId, cancellationToken);
        if (appeal is null || appeal.State is not (AppealStatus.Submitted or AppealStatus.InReview))
        {
            // Withdrawn, closed or deleted before the channel got to it: nothing goes out.
            await FinishQuietlyAsync(send, $"appeal is {appeal?.Status ?? "deleted"}; not sent", cancellationToken);
            return;
        }

        var route = routes.For(appeal.Platform);
        var step = send.Channel == nameof(AppealChannel.Email)
            ? await EmailStepAsync(send, appeal, route, cancellationToken)
            : await ApiStepAsync(send, route, appeal, cancellationToken);
        await RecordAsync(send, appeal, step, cancellationToken);
    }

    private async Task<Step> EmailStepAsync(AppealSendEntity send, AppealEntity appeal, AppealRoute route, CancellationToken cancellationToken)
    {
        if (email.Client is not { } client || email.SenderAddress is not { } sender)
        {
            return Step.Failure($"email is not configured ({EmailOptions.Section}:Endpoint or {EmailOptions.Section}:ConnectionString, and {EmailOptions.Section}:SenderAddress)");
        }

        if (route.EmailAddress is not { } to)
        {
            return Step.Failure($"the appeal route of {appeal.Platform} has no EmailAddress");
        }

        EmailMessage message;
        try
        {
            message = await AppealEmail.BuildAsync(appeal, route, sender, evidence, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            return Step.Failure(e.Message);
        }

        var operationId = Guid.Parse(send.OperationId!);
        using var deadline = new CancellationTokenSource(Options.EmailTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // Asks ACS for the operation first: after a crash or a lost answer the existing operation is awaited, not sent again.
            await client.SendAsync(WaitUntil.Completed, message, operationId, linked.Token);
            var replyTo = message.ReplyTo.Count > 0 ? $", reply-to {message.ReplyTo[0].Address}" : "";
            return new Step(AppealSendStatus.Done,
                $"emailed to {to} (ACS operation {operationId:D}){replyTo}, {message.Attachments.Count} attachment(s)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Step.Failure($"ACS did not report the email (operation {operationId:D}) as sent within {Options.EmailTimeout.TotalSeconds:0.###} s");
        }
        catch (EmailRequestFailedException e) when (e.OperationStatus is null && e.IsTransient)
        {
            return Step.Failure($"email (operation {operationId:D}) not sent yet: {e.Message}", e.RetryAfter);
        }
        catch (EmailRequestFailedException e)
        {
            // ACS refused the message or ended its operation Failed: the same operation id gets the same answer, so stop.
            return Step.GiveUp($"email (operation {operationId:D}) could not be delivered: {e.Message}");
        }
        catch (EmailMessageTooLargeException e)
        {
            return Step.GiveUp($"email (operation {operationId:D}) is too large for ACS: {e.Message}");
        }
    }

    private async Task<Step> ApiStepAsync(AppealSendEntity send, AppealRoute route, AppealEntity appeal, CancellationToken cancellationToken)
    {
        if (route.ApiUrl is null)
        {
            return Step.Failure($"the appeal route of {appeal.Platform} has no ApiUrl");
        }

        if (send.OperationLocation is not { } location)
        {
            var submitted = await api.SubmitAsync(appeal, route, cancellationToken);
            return submitted.State switch
            {
                RemediationState.Failed => Step.Failure("remediation API: " + submitted.Error, submitted.RetryAfter),
                RemediationState.Pending => new Step(AppealSendStatus.Polling,
                    $"sent to the remediation API of {appeal.Platform}; operation {submitted.OperationId ?? "(no id)"}, polled at {submitted.Location}",
                    Delay: PollDelay(submitted), OperationId: submitted.OperationId, Location: submitted.Location!.ToString()),
                _ => Decided(submitted),
            };
        }

        var polled = await api.PollAsync(route, new Uri(location), cancellationToken);
        if (polled.State == RemediationState.Failed)
        {
            return Step.Failure($"polling operation {send.OperationId} of the remediation API: {polled.Error}", polled.RetryAfter) with { Next = AppealSendStatus.Polling };
        }

        if (polled.State == RemediationState.Pending)
        {
            return send.Polls + 1 >= Options.MaxPolls
                ? Step.Failure($"operation {send.OperationId} of the remediation API is still pending after {send.Polls + 1} polls") with { Next = AppealSendStatus.Polling, ResetPolls = true }
                : new Step(AppealSendStatus.Polling, null, Delay: PollDelay(polled), Polled: true);
        }

        return Decided(polled with { OperationId = polled.OperationId ?? send.OperationId });
    }

    /// <summary>The vendor's final word, applied as <c>/updates</c> would apply an operator's report of it.</summary>
    private static Step Decided(RemediationAnswer answer)
    {
        var ticket = answer.TicketNumber ?? answer.OperationId;
        var (status, note) = answer.State switch
        {
            RemediationState.Accepted => (nameof(AppealStatus.InReview), $"remediation API accepted the appeal for review (operation {answer.OperationId}, ticket {ticket})"),
            RemediationState.Rejected => (nameof(AppealStatus.Rejected), $"remediation API refused the appeal (operation {answer.OperationId})"),
            _ => ("Removed", $"remediation API says removed (operation {answer.OperationId}); awaiting verification by lookups"),
        };
        var reason = answer.State == RemediationState.Rejected ? answer.Reason ?? "refused by the platform's remediation API" : null;
        var parsed = AppealsApi.ParseUpdate(new AppealUpdateRequest(status, reason, note, ticket?.Length > 100 ? ticket[..100] : ticket, null));
        return new Step(AppealSendStatus.Done, note, Update: parsed.Value! with { Why = reason is null ? note : $"{note}: {reason}" }, OperationId: answer.OperationId);
    }

    private TimeSpan PollDelay(RemediationAnswer answer) =>
        answer.RetryAfter is { } asked && asked > Options.PollInterval ? (asked > Options.MaxRetryDelay ? Options.MaxRetryDelay : asked) : Options.PollInterval;

    private async Task RecordAsync(AppealSendEntity send, AppealEntity appeal, Step step, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var next = step.Next;
        var note = step.Note;
        var delay = step.Delay ?? TimeSpan.Zero;
        if (step.Failed)
        {
            send.Failures++;
            if (step.GaveUp || send.Failures >= Options.MaxAttempts)
            {
                next = AppealSendStatus.Failed;
                note = $"{send.Channel} channel: {step.Error}. {(step.GaveUp ? "Not retried" : $"Gave up after {send.Failures} failed attempts")}: file the appeal by hand (see its packet) and record the platform's answer with POST /api/appeals/{appeal.Id}/updates.";
            }
            else
            {
                delay = Options.RetryDelay(send.Failures);
                delay = step.Delay is { } asked && asked > delay ? (asked > Options.MaxRetryDelay ? Options.MaxRetryDelay : asked) : delay;
                note = $"{send.Channel} channel: attempt {send.Failures} failed: {step.Error}. Retrying at {now + delay:O}; the appeal stays {appeal.Status}.";
            }

            send.LastError = step.Error;
        }
        else if (next == AppealSendStatus.Done)
        {
            send.LastError = null;
        }

        send.Attempt++;
        send.Status = next.ToString();
        send.Polls = step.ResetPolls ? 0 : step.Polled ? send.Polls + 1 : send.Polls;
        send.OperationId = step.OperationId ?? send.OperationId;
        send.OperationLocation = step.Location ?? send.OperationLocation;
        send.NextAttemptAt = now + delay;
        send.ClaimedBy = null;
        send.ClaimedUntil = null;
        send.UpdatedAt = now;

        if (note is null)
        {
            // A poll that found the operation still pending: only the send row moves on.
            send.ETag = (await Table.UpdateEntityAsync(send, send.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? default;
        }
        else if (!await NoteAsync(send, appeal, step.Update, note, cancellationToken))
        {
            return;
        }

        Log.Attempted(logger, appeal.Id, send.Channel, send.Status, send.Attempt, send.LastError ?? "");
        if (next is AppealSendStatus.Pending or AppealSendStatus.Polling)
        {
            await EnqueueAsync(send.PartitionKey, send.AppealId, send.Attempt, delay, cancellationToken);
        }
    }

    /// <summary>Writes the note or decision on the appeal and the send row in one transaction; re-reads the appeal when it changed meanwhile.</summary>
    private async Task<bool> NoteAsync(AppealSendEntity send, AppealEntity appeal, PlatformUpdate? update, string note, CancellationToken cancellationToken)
    {
        var actor = "channel:" + send.Channel.ToLowerInvariant();
        for (var tries = 0; tries < 5; tries++)
        {
            var current = update;
            if (current?.To is { } to && to == appeal.State)
            {
                current = current with { To = null }; // an operator recorded the same state first: keep the vendor's word as a note
            }

            var (outcome, changed) = current is not null
                ? await AppealsApi.ApplyUpdateAsync(appeals, appeal.PartitionKey, appeal.Id, appeal.EntityTag, current, actor, clock,
                    _ => [send], cancellationToken)
                : await appeals.ChangeAsync(appeal.PartitionKey, appeal.Id, appeal.EntityTag, null, actor, note, a => a.Note = note,
                    new AppealEffects(_ => [send]), cancellationToken);
            switch (outcome)
            {
                case AppealWriteOutcome.Done:
                    return true;
                case AppealWriteOutcome.PreconditionFailed when changed is { } reread && AppealStateMachine.IsOpen(reread.State):
                    appeal = reread;
                    continue;
                default:
                    // Closed or gone meanwhile (withdrawn, rejected by an operator): the send ends without touching the appeal.
                    await FinishQuietlyAsync(send, $"appeal is {changed?.Status ?? "deleted"}; outcome not recorded: {note}", cancellationToken);
                    return false;
            }
        }

        throw new InvalidOperationException($"Appeal {appeal.Id} kept changing while its {send.Channel} outcome was recorded; the message will be retried.");
    }

    private async Task FinishQuietlyAsync(AppealSendEntity send, string why, CancellationToken cancellationToken)
    {
        send.Status = nameof(AppealSendStatus.Done);
        send.LastError = why;
        send.ClaimedBy = null;
        send.ClaimedUntil = null;
        send.UpdatedAt = clock.GetUtcNow();
        await Table.UpsertEntityAsync(send, TableUpdateMode.Replace, cancellationToken);
        Log.Skipped(logger, send.AppealId, send.Attempt, why, send.Attempt);
    }

    /// <summary>
    /// Sends still Pending or Polling whose next attempt is past by <paramref name="grace"/>: their message was lost (a crash between the
    /// commit and the enqueue, a poisoned message). Re-enqueued with their current attempt; the claim drops duplicates.
    /// </summary>
    public async Task<int> RequeueStaleAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - grace;
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {AppealSendEntity.RowPrefix} and RowKey lt {TableKeys.After(AppealSendEntity.RowPrefix)} and (Status eq {nameof(AppealSendStatus.Pending)} or Status eq {nameof(AppealSendStatus.Polling)}) and NextAttemptAt le {cutoff}");
        var requeued = 0;
        await foreach (var send in Table.QueryAsync<AppealSendEntity>(filter, cancellationToken: cancellationToken))
        {
            if (send.ClaimedUntil is { } until && until > clock.GetUtcNow())
            {
                continue;
            }

            await EnqueueAsync(send.PartitionKey, send.AppealId, send.Attempt, TimeSpan.Zero, cancellationToken);
            requeued++;
        }

        return requeued;
    }

    /// <summary>What one attempt came to: the send's next status, the note for the appeal, the vendor's decision, when to try again.</summary>
    private sealed record Step(
        AppealSendStatus Next, string? Note, PlatformUpdate? Update = null, TimeSpan? Delay = null, string? OperationId = null, string? Location = null,
        string? Error = null, bool Failed = false, bool GaveUp = false, bool Polled = false, bool ResetPolls = false)
    {
        public static Step Failure(string error, TimeSpan? retryAfter = null) => new(AppealSendStatus.Pending, null, Delay: retryAfter, Error: error, Failed: true);

        public static Step GiveUp(string error) => new(AppealSendStatus.Failed, null, Error: error, Failed: true, GaveUp: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "Appeal send of {AppealId} attempt {Attempt} skipped ({Status}, row at attempt {RowAttempt})")]
        public static partial void Skipped(ILogger logger, string appealId, int attempt, string status, int rowAttempt);

        [LoggerMessage(EventId = 8011, Level = LogLevel.Information, Message = "Appeal send of {AppealId} lost its claim to another worker")]
        public static partial void LostClaim(ILogger logger, string appealId);

        [LoggerMessage(EventId = 8013, Level = LogLevel.Warning, Message = "Appeal send of {AppealId} could not be queued ({Error}); the appeal sweep queues it")]
        public static partial void EnqueueFailed(ILogger logger, string appealId, string error);

        [LoggerMessage(EventId = 8012, Level = LogLevel.Information, Message = "Appeal {AppealId} {Channel} send is {Status} after attempt {Attempt} {Error}")]
        public static partial void Attempted(ILogger logger, string appealId, string channel, string status, int attempt, string error);
    }
}

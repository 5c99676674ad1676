using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Mail;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Notifications.Webhooks;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// The <c>deliveries</c> consumer: claims a pending delivery (ETag), makes one attempt through its channel, records it and either
/// completes the delivery or queues the next attempt with back-off. First attempts are made by the dispatcher through
/// <see cref="AttemptAsync"/>; messages here are retries and the dispatcher's hand-offs. Sends are idempotent on the receiving side (stable
/// <c>webhook-id</c>, stable ACS <c>Operation-Id</c>), which covers a crash between a send and its record.
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryStore deliveries, DeliveryQueue queue, SubscriptionStore subscriptions, WebhookSender webhooks, EmailChannel email, AlertMailRenderer mail,
    IOptions<AlertOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger)
{
    /// <summary>Longest Retry-After a receiver can ask for; beyond it the normal schedule applies.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public async Task DeliverAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var request = QueueMessageJson.Deserialize<DeliveryMessage>(message.Body, DeliveryMessage.CurrentVersion);
        var delivery = await deliveries.FindAsync(request.TenantId, request.SubscriptionId, request.DeliveryId, cancellationToken);
        var now = time.GetUtcNow();
        if (delivery is null || delivery.State != DeliveryStatus.Pending || delivery.Attempts != request.Attempt ||
            (delivery.IsClaimed(now) && delivery.ClaimedBy != message.Id))
        {
            // Done already, a stale retry, or a duplicate message while another worker holds the claim.
            Log.Skipped(logger, request.DeliveryId, request.Attempt, delivery?.Status ?? "missing", delivery?.Attempts ?? -1);
            return;
        }

        var statusRow = delivery.StatusRow;
        delivery.ClaimedBy = message.Id;
        delivery.ClaimedUntil = now + options.Value.ClaimDuration;
        delivery.UpdatedAt = now;
        if (!await deliveries.ReplaceAsync(delivery, statusRow, cancellationToken))
        {
            Log.LostClaim(logger, request.DeliveryId);
            return;
        }

        var subscription = await subscriptions.FindAsync(delivery.TenantId, delivery.SubscriptionId, cancellationToken);
        await AttemptAsync(delivery, subscription, null, cancellationToken);
    }

    /// <summary>
    /// Makes one attempt of a delivery the caller has claimed (its record written with the caller's claim) and records it: done,
    /// or the next attempt queued with back-off. The dispatcher calls it on a redelivered alert, this worker for the retries.
    /// </summary>
    public async Task AttemptAsync(DeliveryEntity delivery, SubscriptionEntity? subscription, NotificationEvent? notification, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(delivery, subscription, notification ?? delivery.ReadEvent(), cancellationToken);
        await RecordAsync(delivery, outcome, isNew: false, cancellationToken);
    }

    /// <summary>
    /// Makes the first attempt of a delivery that has no record yet, then adds its record with the outcome (one write instead of
    /// a claim before and an outcome after); false when a record was there already (another message of the event added it).
    /// </summary>
    public async Task<bool> AttemptNewAsync(DeliveryEntity delivery, SubscriptionEntity subscription, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(delivery, subscription, notification, cancellationToken);
        return await RecordAsync(delivery, outcome, isNew: true, cancellationToken);
    }

    /// <summary>
    /// A message that failed in the worker on every dequeue (storage trouble, a bug): its delivery becomes Failed with the reason, so
    /// it is listed as a dead letter and can be redelivered, instead of staying Pending with no message behind it.
    /// </summary>
    public async Task HandlePoisonAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        if (QueueMessageJson.TryDeserialize<DeliveryMessage>(message.Body, DeliveryMessage.CurrentVersion, out var error) is not { } request)
        {
            Log.UnreadablePoison(logger, message.Id, error!);
            return;
        }

        var delivery = await deliveries.FindAsync(request.TenantId, request.SubscriptionId, request.DeliveryId, cancellationToken);
        if (delivery is null || delivery.State != DeliveryStatus.Pending || delivery.Attempts != request.Attempt)
        {
            return; // finished or moved on through another message
        }

        var statusRow = delivery.StatusRow;
        var now = time.GetUtcNow();
        delivery.Status = nameof(DeliveryStatus.Failed);
        delivery.LastOutcome = "WorkerFailed";
        delivery.LastError = $"Attempt {request.Attempt + 1} could not be made: the delivery worker failed on every dequeue of its message (see the logs); redeliver to try again.";
        delivery.ClaimedBy = null;
        delivery.ClaimedUntil = null;
        delivery.NextAttemptAt = null;
        delivery.UpdatedAt = now;
        delivery.CompletedAt = now;
        if (await deliveries.ReplaceAsync(delivery, statusRow, cancellationToken))
        {
            Log.Failed(logger, delivery.DeliveryId, request.Attempt + 1, delivery.LastOutcome, delivery.LastError);
        }
    }

    /// <summary>The webhook-id: the event id, scoped to the subscription so that two subscriptions of one receiver never share one.</summary>
    public static string WebhookIdFor(DeliveryEntity delivery)
    {
        var id = delivery.SubscriptionId + "." + delivery.EventId;
        return id.Length <= 256 && id.All(c => c is > ' ' and <= '~') ? id : delivery.DeliveryId;
    }

    private async Task<AttemptOutcome> SendAsync(DeliveryEntity delivery, SubscriptionEntity? subscription, NotificationEvent notification, CancellationToken cancellationToken) =>
        subscription is null
            ? AttemptOutcome.Permanent("SubscriptionDeleted", "The subscription was deleted.")
            : delivery.Channel == DeliveryEntity.WebhookChannel
                ? await SendWebhookAsync(delivery, subscription, notification, cancellationToken)
                : await SendEmailAsync(delivery, subscription, notification, cancellationToken);

    private async Task<AttemptOutcome> SendWebhookAsync(DeliveryEntity delivery, SubscriptionEntity subscription, NotificationEvent notification, CancellationToken cancellationToken)
    {
        if (!subscription.WebhookList.Contains(delivery.Target, StringComparer.Ordinal))
        {
            return AttemptOutcome.Permanent("ChannelRemoved", "The webhook URL is no longer part of the subscription.");
        }

        if (subscription.DisabledWebhookList.Contains(delivery.Target, StringComparer.Ordinal))
        {
            return AttemptOutcome.Permanent("ChannelDisabled", "The webhook endpoint is disabled (it answered 410 Gone); save the subscription to re-enable it.");
        }

        var secrets = subscriptions.SigningSecrets(subscription);
        if (secrets.Count == 0)
        {
            return AttemptOutcome.Permanent("NoSecret", "The subscription has no webhook signing secret.");
        }

        var body = WebhookPayload.For(notification, subscription.RowKey);
        var result = await webhooks.SendAsync(new WebhookDelivery(new Uri(delivery.Target), WebhookIdFor(delivery), body, secrets), cancellationToken);
        var error = result.IsSuccess ? null : result.Detail ?? (result.StatusCode is { } s ? $"HTTP {s}" + (result.BodyExcerpt is { } b ? ": " + b : "") : null);
        var retry = result.Outcome switch
        {
            WebhookAttemptOutcome.Succeeded or WebhookAttemptOutcome.Gone or WebhookAttemptOutcome.Redirect or WebhookAttemptOutcome.BlockedAddress => false,
            // A 4xx other than these means the receiver refuses this content; sending the same bytes again gets the same answer.
            WebhookAttemptOutcome.HttpError => result.StatusCode is 408 or 425 or 429 or >= 500,
            _ => true,
        };
        return new AttemptOutcome(result.IsSuccess, retry, result.Outcome == WebhookAttemptOutcome.Gone, result.Outcome.ToString(), result.StatusCode,
            result.Latency, error, result.RetryAfter, false);
    }

    private async Task<AttemptOutcome> SendEmailAsync(DeliveryEntity delivery, SubscriptionEntity subscription, NotificationEvent notification, CancellationToken cancellationToken)
    {
        if (email.Client is not { } client || email.SenderAddress is not { } sender)
        {
            return AttemptOutcome.Permanent("EmailNotConfigured", $"Email is not configured ({EmailOptions.Section}:Endpoint or {EmailOptions.Section}:ConnectionString, and {EmailOptions.Section}:SenderAddress).");
        }

        if (!subscription.EmailList.Contains(delivery.Target, StringComparer.OrdinalIgnoreCase))
        {
            return AttemptOutcome.Permanent("ChannelRemoved", "The recipient is no longer part of the subscription.");
        }

        var message = new EmailMessage(sender, delivery.Target, mail.Render(notification, subscription));
        var operationId = Guid.Parse(delivery.OperationId!);
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(options.Value.EmailTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // Asks ACS for the operation first: after a crash or a lost answer the existing operation is awaited, not sent again.
            var operation = await client.SendAsync(WaitUntil.Completed, message, operationId, linked.Token);
            return operation.HasValue
                ? new AttemptOutcome(true, false, false, "Succeeded", 202, time.GetElapsedTime(started), null, null, false)
                : new AttemptOutcome(false, true, false, "NotCompleted", 202, time.GetElapsedTime(started), $"ACS status {operation.GetRawResponse().Status}", null, false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(false, true, false, "Timeout", null, time.GetElapsedTime(started),
                $"ACS did not report a final status within {options.Value.EmailTimeout.TotalSeconds:0.###} s.", null, false);
        }
        catch (EmailRequestFailedException e) when (e.OperationStatus is not null)
        {
            return new AttemptOutcome(false, false, false, "Operation" + e.OperationStatus, e.Status == 0 ? null : e.Status, time.GetElapsedTime(started), e.Message, null, true);
        }
        catch (EmailRequestFailedException e)
        {
            return new AttemptOutcome(false, e.IsTransient, false, e.Status == 0 ? "Unreachable" : "HttpError", e.Status == 0 ? null : e.Status,
                time.GetElapsedTime(started), e.Message, e.RetryAfter, false);
        }
        catch (EmailMessageTooLargeException e)
        {
            return AttemptOutcome.Permanent("TooLarge", e.Message);
        }
        catch (RequestFailedException e)
        {
            return new AttemptOutcome(false, e.Status is 0 or 408 or 429 or >= 500, false, "HttpError", e.Status == 0 ? null : e.Status,
                time.GetElapsedTime(started), e.Message, null, false);
        }
    }

    /// <summary>Records an attempt: replaces the claimed record, or adds it when <paramref name="isNew"/>; false when that write lost.</summary>
    private async Task<bool> RecordAsync(DeliveryEntity delivery, AttemptOutcome outcome, bool isNew, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var statusRow = delivery.StatusRow;
        var number = delivery.Attempts + 1;
        delivery.AddAttempt(new DeliveryAttempt(number, now, outcome.Name, outcome.StatusCode, Math.Round(outcome.Latency.TotalMilliseconds, 1), outcome.Error));
        delivery.Attempts = number;
        delivery.LastOutcome = outcome.Name;
        delivery.LastError = outcome.Error;
        delivery.ClaimedBy = null;
        delivery.ClaimedUntil = null;
        delivery.NextAttemptAt = null;
        delivery.UpdatedAt = now;
        var inSchedule = number - delivery.ScheduleStart;
        if (outcome.Succeeded)
        {
            delivery.Status = nameof(DeliveryStatus.Succeeded);
            delivery.CompletedAt = now;
        }
        else if (outcome.Retry && inSchedule < options.Value.MaxAttempts)
        {
            var delay = options.Value.Delay(inSchedule, Random.Shared.NextDouble());
            if (outcome.RetryAfter is { } asked && asked > delay)
            {
                delay = asked < MaxRetryAfter ? asked : MaxRetryAfter;
            }

            delivery.NextAttemptAt = now + delay;
            // The next message goes out before the record: a crash in between repeats this attempt (same ids), never loses the delivery.
            await queue.SendAsync(delivery, delay, cancellationToken);
            Log.Retrying(logger, delivery.DeliveryId, number, outcome.Name, delay);
        }
        else
        {
            if (outcome.Gone)
            {
                await subscriptions.DisableWebhookAsync(delivery.TenantId, delivery.SubscriptionId, delivery.Target, cancellationToken);
            }

            delivery.Status = nameof(DeliveryStatus.Failed);
            delivery.CompletedAt = now;
            Log.Failed(logger, delivery.DeliveryId, number, outcome.Name, outcome.Error ?? "");
        }

        if (isNew ? await deliveries.AddAsync(delivery, cancellationToken) : await deliveries.ReplaceAsync(delivery, statusRow, cancellationToken))
        {
            return true;
        }

        Log.LostClaim(logger, delivery.DeliveryId);
        return false;
    }

    /// <summary>How one attempt went, channel-independent.</summary>
    private sealed record AttemptOutcome(
        bool Succeeded, bool Retry, bool Gone, string Name, int? StatusCode, TimeSpan Latency, string? Error, TimeSpan? RetryAfter, bool OperationFailed)
    {
        public static AttemptOutcome Permanent(string name, string error) => new(false, false, false, name, null, TimeSpan.Zero, error, null, false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7110, Level = LogLevel.Debug, Message = "Delivery {DeliveryId} attempt {Attempt}: nothing to do (status {Status}, attempts {Attempts})")]
        public static partial void Skipped(ILogger logger, string deliveryId, int attempt, string status, int attempts);

        [LoggerMessage(EventId = 7111, Level = LogLevel.Information, Message = "Delivery {DeliveryId} was changed by another worker; leaving it to that one")]
        public static partial void LostClaim(ILogger logger, string deliveryId);

        [LoggerMessage(EventId = 7112, Level = LogLevel.Information, Message = "Delivery {DeliveryId} attempt {Attempt} failed ({Outcome}); next attempt in {Delay}")]
        public static partial void Retrying(ILogger logger, string deliveryId, int attempt, string outcome, TimeSpan delay);

        [LoggerMessage(EventId = 7114, Level = LogLevel.Error, Message = "Poisoned delivery message {MessageId} cannot be read: {Error}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string error);

        [LoggerMessage(EventId = 7113, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} failed for good after attempt {Attempt} ({Outcome}): {Error}")]
        public static partial void Failed(ILogger logger, string deliveryId, int attempt, string outcome, string error);
    }
}

using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Numbers;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// The <c>alerts</c> consumer: fans an event out to its tenants (the event's own, or every tenant watching the number), their
/// matching subscriptions and each channel of those, making each first attempt at once and keeping one delivery record per
/// (subscription, channel, event) (retries go through the <c>deliveries</c> queue). The record's Add is the dedupe: a redelivered
/// alert finds its records and sends nothing new. See docs/architecture.md, "Delivering alerts".
/// </summary>
public sealed partial class AlertDispatcher(
    SubscriptionStore subscriptions, NumberStore numbers, DeliveryStore deliveries, DeliveryWorker worker, ILabelSeverity severity, TimeProvider time,
    Storage.StorageAccount storage, Microsoft.Extensions.Options.IOptionsMonitor<AlertOptions> options, ILogger<AlertDispatcher> logger)
{
    /// <summary>
    /// <c>alerts-poison</c>: an event whose dispatch failed on every dequeue (an outage, a bad deploy) goes back on <c>alerts</c>
    /// after <c>Alerts:PoisonRetryDelay</c> until <c>Alerts:PoisonRetryWindow</c> after it occurred (dispatch is idempotent),
    /// then is dropped with an error naming it.
    /// </summary>
    public async Task HandlePoisonAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        if (QueueMessageJson.TryDeserialize<NotificationEvent>(message.Body, NotificationEvent.CurrentVersion, out var error) is not { } notification)
        {
            Log.UnreadablePoison(logger, message.Id, error!);
            return;
        }

        var o = options.CurrentValue;
        if (time.GetUtcNow() - notification.OccurredAt > o.PoisonRetryWindow)
        {
            Log.GaveUp(logger, notification.EventId, notification.Type, notification.OccurredAt, o.PoisonRetryWindow);
            return;
        }

        await ReleaseAsync(notification.EventId, cancellationToken);
        await storage.Queue(QueueNames.Alerts).SendMessageAsync(message.Body, o.PoisonRetryDelay, cancellationToken: cancellationToken);
        Log.Requeued(logger, notification.EventId, notification.Type, o.PoisonRetryDelay);
    }

    public async Task DispatchAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var notification = QueueMessageJson.Deserialize<NotificationEvent>(message.Body, NotificationEvent.CurrentVersion);
        var eventJson = message.Body.ToString();
        var tenants = await TenantsAsync(notification, cancellationToken);
        var targets = new List<(string TenantId, SubscriptionEntity Subscription, string Channel, string Target)>();
        foreach (var tenantId in tenants)
        {
            var all = await subscriptions.AllAsync(tenantId, cancellationToken);
            var candidates = all.Where(s => SubscriptionInput.Matches(s.EventTypeList, notification.Type)).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            // Label events go to watchers: a watcher row without its registration (a crash mid-write) is not a watcher yet.
            RegistrationEntity? registration = null;
            if (notification.Number is not null && (notification.TenantId is null || candidates.Any(s => s.Tag is not null || s.Department is not null)))
            {
                registration = await numbers.FindAsync(tenantId, notification.Number, cancellationToken);
                if (registration is null && notification.TenantId is null)
                {
                    continue;
                }
            }

            foreach (var subscription in candidates.Where(s => DeliveryFilters.Match(s, notification, registration, severity)))
            {
                targets.AddRange(Channels(subscription).Select(c => (tenantId, subscription, c.Channel, c.Target)));
            }
        }

        if (targets.Count == 0)
        {
            Log.Dispatched(logger, notification.EventId, notification.Type, tenants.Count, 0, 0);
            return;
        }

        if (await ClaimAsync(message, notification, cancellationToken) is not ({ } dispatch, var fresh))
        {
            Log.LeftToOwner(logger, notification.EventId, notification.Type, message.Id);
            return;
        }

        var (added, existing) = (0, 0);
        // First attempts run side by side, so one slow receiver does not hold up the event's other subscribers.
        await Parallel.ForEachAsync(
            targets, new ParallelOptions { MaxDegreeOfParallelism = options.CurrentValue.DispatchConcurrency, CancellationToken = cancellationToken },
            async (target, ct) =>
            {
                var isNew = await DispatchOneAsync(message, fresh, target.TenantId, target.Subscription, target.Channel, target.Target, notification, eventJson, ct);
                Interlocked.Increment(ref isNew ? ref added : ref existing);
            });

        (dispatch.Done, dispatch.Deliveries, dispatch.ClaimedBy, dispatch.ClaimedUntil) = (true, targets.Count, null, null);
        dispatch.CompletedAt = dispatch.UpdatedAt = time.GetUtcNow();
        if (!await deliveries.ReplaceDispatchAsync(dispatch, cancellationToken))
        {
            Log.LostDispatch(logger, notification.EventId);
        }

        Log.Dispatched(logger, notification.EventId, notification.Type, tenants.Count, added, existing);
    }

    /// <summary>
    /// Makes this message the owner of the event's dispatch: a new dispatch, or one whose owner was this message before (a
    /// redelivery) or whose claim ran out (its dispatcher died). Null when the dispatch is done or another message holds it.
    /// </summary>
    private async Task<(DispatchEntity Dispatch, bool Fresh)?> ClaimAsync(QueueMessageContext message, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + options.CurrentValue.ClaimDuration;
        var dispatch = DispatchEntity.Claimed(notification, message.Id, until, now);
        if (await deliveries.AddDispatchAsync(dispatch, cancellationToken))
        {
            return (dispatch, true);
        }

        var stored = await deliveries.FindDispatchAsync(notification.EventId, cancellationToken);
        if (stored is null || stored.Done || (stored.IsClaimed(now) && stored.ClaimedBy != message.Id))
        {
            return null;
        }

        (stored.ClaimedBy, stored.ClaimedUntil, stored.UpdatedAt) = (message.Id, until, now);
        return await deliveries.ReplaceDispatchAsync(stored, cancellationToken) ? (stored, false) : null;
    }

    /// <summary>
    /// Lets the next message of a poisoned event take its dispatch over at once: the claim the failed dispatches left behind is
    /// released, since no dispatcher works on that message any more.
    /// </summary>
    private async Task ReleaseAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await deliveries.FindDispatchAsync(eventId, cancellationToken) is { Done: false, ClaimedBy: not null } stored)
        {
            (stored.ClaimedBy, stored.ClaimedUntil, stored.UpdatedAt) = (null, null, time.GetUtcNow());
            await deliveries.ReplaceDispatchAsync(stored, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> TenantsAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        if (notification.TenantId is { Length: > 0 } tenant)
        {
            return [tenant];
        }

        if (notification.Number is null)
        {
            return [];
        }

        var facts = await numbers.FactsAsync(notification.Number, cancellationToken);
        return facts?.WatcherList().Select(w => w.TenantId).Distinct(StringComparer.Ordinal).ToList() ?? [];
    }

    private static IEnumerable<(string Channel, string Target)> Channels(SubscriptionEntity subscription)
    {
        var disabled = subscription.DisabledWebhookList;
        foreach (var url in subscription.WebhookList.Where(u => !disabled.Contains(u, StringComparer.Ordinal)))
        {
            yield return (DeliveryEntity.WebhookChannel, url);
        }

        foreach (var address in subscription.EmailList)
        {
            yield return (DeliveryEntity.EmailChannel, address);
        }
    }

    /// <summary>
    /// True when the delivery is new. On a fresh dispatch nothing of the event was recorded yet, so the first attempt goes out
    /// first and its record, with the outcome, is added after it in one write. A dispatch taken over (a redelivered message, or a
    /// dead owner's) adds the record claimed first: an existing one whose first attempt was never recorded (a dispatcher died in
    /// between) is attempted again, whatever claim the dead owner left on it. Sends are idempotent, so a crash between a send
    /// and its record repeats the send under the same id.
    /// </summary>
    private async Task<bool> DispatchOneAsync(
        QueueMessageContext message, bool fresh, string tenantId, SubscriptionEntity subscription, string channel, string target, NotificationEvent notification,
        string eventJson, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimUntil = now + options.CurrentValue.ClaimDuration;
        var channelKey = DeliveryStore.ChannelKey(channel, target);
        var delivery = new DeliveryEntity
        {
            PartitionKey = DeliveryEntity.PartitionFor(tenantId, subscription.RowKey),
            DeliveryId = DeliveryStore.IdFor(subscription.RowKey, channelKey, notification.EventId),
            TenantId = tenantId,
            SubscriptionId = subscription.RowKey,
            EventId = notification.EventId,
            EventType = notification.Type,
            Number = notification.Number,
            Channel = channel,
            Target = target,
            Event = eventJson,
            OperationId = channel == DeliveryEntity.EmailChannel
                ? Email.EmailOperationIds.For(subscription.RowKey, channelKey, notification.EventId).ToString("D")
                : null,
            ClaimedBy = fresh ? null : message.Id,
            ClaimedUntil = fresh ? null : claimUntil,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (fresh)
        {
            return await worker.AttemptNewAsync(delivery, subscription, notification, cancellationToken);
        }

        if (await deliveries.AddAsync(delivery, cancellationToken))
        {
            await worker.AttemptAsync(delivery, subscription, notification, cancellationToken);
            return true;
        }

        var stored = await deliveries.FindAsync(tenantId, subscription.RowKey, delivery.DeliveryId, cancellationToken);
        if (stored is not { State: DeliveryStatus.Pending, Attempts: 0 })
        {
            return false;
        }

        var statusRow = stored.StatusRow;
        (stored.ClaimedBy, stored.ClaimedUntil, stored.UpdatedAt) = (message.Id, claimUntil, now);
        if (await deliveries.ReplaceAsync(stored, statusRow, cancellationToken))
        {
            await worker.AttemptAsync(stored, subscription, notification, cancellationToken);
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "Poisoned alert message {MessageId} cannot be read and is dropped: {Error}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string error);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) failed every dispatch; dispatching it again in {Delay}")]
        public static partial void Requeued(ILogger logger, string eventId, string type, TimeSpan delay);

        [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "Event {EventId} ({Type}) of {OccurredAt:O} still failed dispatch {Window} after it occurred and is dropped")]
        public static partial void GaveUp(ILogger logger, string eventId, string type, DateTimeOffset occurredAt, TimeSpan window);

        [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Event {EventId} ({Type}): another message dispatches it or did already; message {MessageId} leaves it to that one")]
        public static partial void LeftToOwner(ILogger logger, string eventId, string type, string messageId);

        [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Event {EventId}: its dispatch was taken over before this one finished")]
        public static partial void LostDispatch(ILogger logger, string eventId);

        [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Event {EventId} ({Type}): {Tenants} tenant(s), {Added} new delivery(ies), {Existing} already dispatched")]
        public static partial void Dispatched(ILogger logger, string eventId, string type, int tenants, int added, int existing);
    }
}

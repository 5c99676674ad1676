using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>Sends <see cref="DeliveryMessage"/>s, optionally delayed (the queue's visibility timeout carries the back-off).</summary>
public sealed class DeliveryQueue(StorageAccount storage)
{
    /// <summary>Azure Storage queues hide a message for at most 7 days.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public async Task SendAsync(DeliveryEntity delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        var message = new DeliveryMessage(DeliveryMessage.CurrentVersion, delivery.TenantId, delivery.SubscriptionId, delivery.DeliveryId, delivery.Attempts);
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > MaxDelay ? MaxDelay : delay;
        await storage.Queue(QueueNames.Deliveries).SendMessageAsync(QueueMessageJson.Serialize(message), visibility, cancellationToken: cancellationToken);
    }
}

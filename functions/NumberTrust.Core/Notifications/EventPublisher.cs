using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Telemetry;

namespace NumberTrust.Notifications;

/// <summary>
/// Puts events on the <c>alerts</c> queue. At-least-once is enough: event ids are stable and the dispatcher keeps one delivery
/// record per subscription, channel and event, so an event published twice (a retried handler) is delivered once.
/// </summary>
public sealed class EventPublisher(StorageAccount storage)
{
    public async Task PublishAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        if (!EventTypes.IsKnown(notification.Type))
        {
            throw new ArgumentException($"'{notification.Type}' is not an event type of EventTypes.All.", nameof(notification));
        }

        await storage.Queue(QueueNames.Alerts).SendMessageAsync(QueueMessageJson.Serialize(notification), cancellationToken: cancellationToken);
        NumberTrustTelemetry.EventsSent.Add(1, new KeyValuePair<string, object?>("type", notification.Type));
    }
}

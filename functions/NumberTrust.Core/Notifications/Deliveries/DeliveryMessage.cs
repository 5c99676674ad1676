using NumberTrust.Hosting;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// A message on the <c>deliveries</c> queue: make attempt <see cref="Attempt"/> (0-based) of one delivery. A message whose attempt
/// the record has moved past is stale and dropped, so duplicates and retries that crossed a manual redelivery do nothing.
/// </summary>
public sealed record DeliveryMessage(int Version, string TenantId, string SubscriptionId, string DeliveryId, int Attempt) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}

using System.Text.Json.Nodes;
using NumberTrust.Hosting;

namespace NumberTrust.Notifications;

/// <summary>
/// An event on the <c>alerts</c> queue, for the dispatcher to deliver to every matching subscription. <see cref="EventId"/> is
/// stable (derived from what happened, never random), so publishing the same event twice delivers it once. A number's events with
/// no <see cref="TenantId"/> (label changes) go to every tenant watching the number; an event with a tenant goes to that tenant only.
/// <see cref="Data"/> holds the type's own fields (camelCase JSON) for the webhook payload and the mail.
/// </summary>
public sealed record NotificationEvent(
    int Version,
    string EventId,
    string Type,
    DateTimeOffset OccurredAt,
    string? Number = null,
    string? TenantId = null,
    string? Platform = null,
    string? Category = null,
    JsonObject? Data = null) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}

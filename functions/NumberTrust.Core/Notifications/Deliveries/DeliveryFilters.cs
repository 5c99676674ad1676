using NumberTrust.Lookups;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Numbers;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// A subscription's filters against one event. A filter on a field the event does not carry (a platform filter and an event
/// without a platform) does not match, except the category filter, which only restricts events that have a category and
/// label events (a label event without one never passes it).
/// </summary>
public static class DeliveryFilters
{
    public static bool Match(SubscriptionEntity subscription, NotificationEvent notification, RegistrationEntity? registration, ILabelSeverity severity)
    {
        if (subscription.Platform is { } platform && !string.Equals(platform, notification.Platform, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (subscription.MinimumCategory is { } minimum && (notification.Category is not null || notification.Type.StartsWith(EventTypes.LabelGroup + ".", StringComparison.Ordinal)))
        {
            if (notification.Category is null || severity.Rank(notification.Category) < severity.Rank(minimum))
            {
                return false;
            }
        }

        if (subscription.Tag is { } tag && registration?.TagList.Contains(tag, StringComparer.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        return subscription.Department is not { } department || string.Equals(registration?.Department?.Trim(), department, StringComparison.OrdinalIgnoreCase);
    }
}

using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Numbers;

namespace NumberTrust.Tests.Notifications;

public sealed class DeliveryFiltersTests
{
    private sealed class FixedSeverity : ILabelSeverity
    {
        public int Rank(string? category) => category?.ToLowerInvariant() switch
        {
            null or "" => 0,
            "fraud" => 30,
            "harassment" => 20,
            "sales" => 10,
            _ => 5,
        };
    }

    private static readonly ILabelSeverity Severity = new FixedSeverity();

    private static NotificationEvent Event(string type = EventTypes.NewLabel, string? platform = "qihoo360", string? category = "Fraud") =>
        new(NotificationEvent.CurrentVersion, "e", type, DateTimeOffset.UnixEpoch, "+8613800138000", null, platform, category);

    private static RegistrationEntity Registration(string? department = "Sales", params string[] tags) =>
        new() { PartitionKey = "t", RowKey = "+8613800138000", Department = department, Tags = System.Text.Json.JsonSerializer.Serialize(tags) };

    [Fact]
    public void No_filters_match_everything()
    {
        Assert.True(DeliveryFilters.Match(new SubscriptionEntity(), Event(), null, Severity));
        Assert.True(DeliveryFilters.Match(new SubscriptionEntity(), Event(EventTypes.AppealResolved, null, null), null, Severity));
    }

    [Fact]
    public void Platform_must_be_the_events_and_an_event_without_one_does_not_match()
    {
        var subscription = new SubscriptionEntity { Platform = "qihoo360" };
        Assert.True(DeliveryFilters.Match(subscription, Event(platform: "QIHOO360"), null, Severity));
        Assert.False(DeliveryFilters.Match(subscription, Event(platform: "baidu"), null, Severity));
        Assert.False(DeliveryFilters.Match(subscription, Event(platform: null), null, Severity));
    }

    [Fact]
    public void Minimum_category_compares_severity_and_applies_to_label_events_without_a_category()
    {
        var subscription = new SubscriptionEntity { MinimumCategory = "Harassment" };
        Assert.True(DeliveryFilters.Match(subscription, Event(category: "Fraud"), null, Severity));
        Assert.True(DeliveryFilters.Match(subscription, Event(category: "Harassment"), null, Severity));
        Assert.False(DeliveryFilters.Match(subscription, Event(category: "Sales"), null, Severity));
        Assert.False(DeliveryFilters.Match(subscription, Event(EventTypes.Unreadable, category: null), null, Severity));
        Assert.True(DeliveryFilters.Match(subscription, Event(EventTypes.IdentityLost, category: null), null, Severity));
    }

    [Fact]
    public void Tag_and_department_come_from_the_tenants_registration()
    {
        var tagged = new SubscriptionEntity { Tag = "vip" };
        Assert.True(DeliveryFilters.Match(tagged, Event(), Registration(null, "VIP", "x"), Severity));
        Assert.False(DeliveryFilters.Match(tagged, Event(), Registration(null, "x"), Severity));
        Assert.False(DeliveryFilters.Match(tagged, Event(), null, Severity));

        var department = new SubscriptionEntity { Department = "sales" };
        Assert.True(DeliveryFilters.Match(department, Event(), Registration("Sales"), Severity));
        Assert.False(DeliveryFilters.Match(department, Event(), Registration("Support"), Severity));
        Assert.False(DeliveryFilters.Match(department, Event(), Registration(null), Severity));
    }
}

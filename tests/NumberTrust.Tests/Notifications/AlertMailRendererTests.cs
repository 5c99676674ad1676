using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Mail;
using NumberTrust.Notifications.Subscriptions;

namespace NumberTrust.Tests.Notifications;

public sealed class AlertMailRendererTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly AlertMailRenderer _renderer;
    private readonly SubscriptionEntity _subscription = new() { PartitionKey = "acme", RowKey = "sub_0123456789abcdef", Name = "Ops & <Fraud>" };

    public AlertMailRendererTests()
    {
        _services = Services(("Alerts:PublicBaseUrl", "https://nt.example.com/"));
        _renderer = _services.GetRequiredService<AlertMailRenderer>();
    }

    // The platform catalog pulls in the pacing ledger, which needs a storage account; nothing connects to it.
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("AzureWebJobsStorage", (string?)"UseDevelopmentStorage=true")))
            .Build();
        return new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddNumberTrustCore(configuration).BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private static NotificationEvent Event(string type, JsonObject? data = null, string? platform = "qihoo360", string? category = "Fraud") =>
        new(NotificationEvent.CurrentVersion, "evt-1", type, new DateTimeOffset(2026, 12, 3, 8, 30, 0, TimeSpan.Zero), "+8613800138000", null, platform, category, data);

    [Fact]
    public void Every_event_type_renders_a_subject_both_bodies_links_and_the_footer()
    {
        foreach (var type in EventTypes.All)
        {
            var mail = _renderer.Render(Event(type.Name, new JsonObject { ["detail"] = "x" }), _subscription);

            Assert.StartsWith("[NumberTrust] +8613800138000 on 360: ", mail.Subject, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(mail.Subject["[NumberTrust] +8613800138000 on 360: ".Length..]), type.Name);
            Assert.Contains("https://nt.example.com/api/numbers/%2B8613800138000/history", mail.PlainText, StringComparison.Ordinal);
            Assert.Contains("href=\"https://nt.example.com/api/subscriptions/sub_0123456789abcdef\"", mail.Html, StringComparison.Ordinal);
            Assert.Contains("Ops & <Fraud>", mail.PlainText, StringComparison.Ordinal);
            Assert.Contains("Ops &amp; &lt;Fraud&gt;", mail.Html, StringComparison.Ordinal);
            Assert.Contains(type.Name, mail.PlainText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Label_events_say_what_changed_with_the_label_in_its_own_language()
    {
        var changed = _renderer.Render(Event(EventTypes.CategoryChanged, new JsonObject { ["fromCategory"] = "Sales", ["toCategory"] = "Fraud", ["labelText"] = "诈骗电话" }), _subscription);
        Assert.Equal("[NumberTrust] +8613800138000 on 360: label changed from Sales to Fraud \"诈骗电话\"", changed.Subject);
        Assert.Contains("<td lang=\"zh-CN\">诈骗电话</td>", changed.Html, StringComparison.Ordinal);

        var jump = _renderer.Render(Event(EventTypes.CountJump, new JsonObject { ["fromCount"] = 12, ["toCount"] = 240 }), _subscription);
        Assert.Contains("reports rose from 12 to 240", jump.Subject, StringComparison.Ordinal);

        var english = _renderer.Render(Event(EventTypes.NewLabel, new JsonObject { ["labelText"] = "Scam Likely" }, platform: "nomorobo"), _subscription);
        Assert.Equal("[NumberTrust] +8613800138000 on Nomorobo: new label \"Scam Likely\" (Fraud)", english.Subject);
        Assert.Contains("<td lang=\"en-US\">Scam Likely</td>", english.Html, StringComparison.Ordinal);

        var cleared = _renderer.Render(Event(EventTypes.Cleared, new JsonObject { ["fromCategory"] = "Harassment" }, category: "Harassment"), _subscription);
        Assert.EndsWith("label cleared (was Harassment)", cleared.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_is_html_encoded_and_types_without_a_template_show_their_fields()
    {
        var mail = _renderer.Render(
            Event(EventTypes.IdentityChanged, new JsonObject { ["labelText"] = "<script>alert(1)</script>", ["displayName"] = "\"Acme\" & Co" }, category: null),
            _subscription);

        Assert.DoesNotContain("<script>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&quot;Acme&quot; &amp; Co", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Display name: ", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("The business identity a platform shows for a number changed", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_without_a_number_names_its_type_and_links_are_paths_without_a_base_url()
    {
        using var services = Services();
        var mail = services.GetRequiredService<AlertMailRenderer>().Render(
            new NotificationEvent(NotificationEvent.CurrentVersion, "evt-2", EventTypes.Ping, DateTimeOffset.UnixEpoch, TenantId: "acme"), _subscription);

        Assert.Equal("[NumberTrust] A test delivery sent on request", mail.Subject);
        Assert.Contains("Subscription: /api/subscriptions/sub_0123456789abcdef", mail.PlainText, StringComparison.Ordinal);
    }
}

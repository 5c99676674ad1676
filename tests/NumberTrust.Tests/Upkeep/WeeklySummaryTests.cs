using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Mail;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// The weekly upkeep summary through the local host over Azurite: once per tenant and ISO week after its digest time on the
/// calendar's weekly day (tenant time zone), with trust, labels, appeals and tasks due, and its mail.
/// </summary>
public sealed class WeeklySummaryTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(services: services => services.AddSingleton<TimeProvider>(_clock));
        SetClock(Noon(2026, 9, 20));
        _client = await _api.TenantAsync();
        await RegisterAsync(_client, "+8613800138000");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private void SetClock(DateTimeOffset utc) => UpkeepTimer.Set(_clock, utc);

    private static DateTimeOffset Noon(int year, int month, int day) => UpkeepTimer.Noon(year, month, day);

    private static Task RegisterAsync(HttpClient client, string number) => UpkeepTimer.RegisterAsync(client, number, "客服热线");

    private Task TickAtAsync(DateTimeOffset utc) => UpkeepTimer.TickAtAsync(_api, _clock, utc);

    private Task<List<JsonElement>> SummariesAsync() => UpkeepTimer.AlertsAsync(_api, "upkeep.weekly_summary");

    [Fact]
    public async Task The_summary_goes_out_once_per_week_after_the_digest_time_of_the_weekly_day()
    {
        // Monday 28 Sep, 08:30 in Shanghai: before the 09:00 digest time.
        await TickAtAsync(new DateTimeOffset(2026, 9, 28, 0, 30, 0, TimeSpan.Zero));
        Assert.Empty(await SummariesAsync());
        await TickAtAsync(new DateTimeOffset(2026, 9, 28, 1, 30, 0, TimeSpan.Zero));
        await TickAtAsync(new DateTimeOffset(2026, 9, 28, 2, 30, 0, TimeSpan.Zero));
        await TickAtAsync(Noon(2026, 9, 30));
        var first = Assert.Single(await SummariesAsync());
        var tenant = first.GetProperty("tenantId").GetString();
        Assert.Equal($"weekly-summary-{tenant}-2026-09-28", first.GetProperty("eventId").GetString());
        var data = first.GetProperty("data");
        Assert.Equal(("2026-W40", "2026-09-28", "Asia/Shanghai", 1), (data.GetProperty("week").GetString(), data.GetProperty("localDate").GetString(), data.GetProperty("timeZone").GetString(), data.GetProperty("numbers").GetInt32()));
        Assert.Equal("+8613800138000", data.GetProperty("trust").GetProperty("items")[0].GetProperty("number").GetString());

        // A timer down on Monday sends the next week's summary on its next tick, once; its tasks due include the quarterly review.
        await TickAtAsync(Noon(2026, 10, 13));
        await TickAtAsync(Noon(2026, 10, 14));
        var summaries = await SummariesAsync();
        Assert.Equal([$"weekly-summary-{tenant}-2026-09-28", $"weekly-summary-{tenant}-2026-10-12"], summaries.Select(s => s.GetProperty("eventId").GetString()));
        var tasks = summaries[1].GetProperty("data").GetProperty("tasksDue");
        Assert.Equal(1, tasks.GetProperty("total").GetInt32());
        Assert.Equal(("quarterly_review", "2026-10-15", false), (tasks.GetProperty("items")[0].GetProperty("kind").GetString(), tasks.GetProperty("items")[0].GetProperty("dueOn").GetString(), tasks.GetProperty("items")[0].GetProperty("overdue").GetBoolean()));
    }

    [Fact]
    public async Task The_week_is_the_tenants_own_and_a_tenant_without_numbers_or_with_digests_off_gets_none()
    {
        using var losAngeles = await _api.TenantAsync();
        using var zone = await losAngeles.PutAsJsonAsync("/api/digest-settings", new { timeZone = "America/Los_Angeles" });
        Assert.True(zone.IsSuccessStatusCode);
        using var day = await losAngeles.PutAsJsonAsync("/api/upkeep/task-settings", new { weeklyDay = "Tuesday" });
        Assert.True(day.IsSuccessStatusCode);
        SetClock(Noon(2026, 9, 20));
        await RegisterAsync(losAngeles, "+8613800138005");
        using var empty = await _api.TenantAsync();
        using var quiet = await _api.TenantAsync();
        using var disabled = await quiet.PutAsJsonAsync("/api/digest-settings", new { enabled = false });
        Assert.True(disabled.IsSuccessStatusCode);
        await RegisterAsync(quiet, "+8613800138006");

        // 20:00 UTC on Tuesday 29 Sep is 13:00 in Los Angeles (and Wednesday 04:00 in Shanghai).
        await TickAtAsync(new DateTimeOffset(2026, 9, 29, 15, 0, 0, TimeSpan.Zero));
        Assert.Single(await SummariesAsync());
        await TickAtAsync(new DateTimeOffset(2026, 9, 29, 20, 0, 0, TimeSpan.Zero));
        var summaries = await SummariesAsync();
        Assert.Equal(2, summaries.Count);
        Assert.Equal(("America/Los_Angeles", "2026-09-29"), (summaries[1].GetProperty("data").GetProperty("timeZone").GetString(), summaries[1].GetProperty("data").GetProperty("localDate").GetString()));
        await TickAtAsync(new DateTimeOffset(2026, 10, 2, 20, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, (await SummariesAsync()).Count);
    }

    [Fact]
    public async Task A_summary_marked_but_not_published_before_a_crash_is_published_by_the_next_tick_with_the_same_id()
    {
        await TickAtAsync(Noon(2026, 10, 12));
        var first = Assert.Single(await SummariesAsync());
        var tenant = first.GetProperty("tenantId").GetString()!;
        var digests = _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Digests);
        var mark = (await digests.GetEntityAsync<TableEntity>(tenant, "week|2026-10-12")).Value;
        mark.Remove("PublishedAt");
        await digests.UpdateEntityAsync(mark, mark.ETag, TableUpdateMode.Replace);

        await TickAtAsync(Noon(2026, 10, 13));
        await TickAtAsync(Noon(2026, 10, 14));
        var summaries = await SummariesAsync();
        Assert.Equal(2, summaries.Count);
        Assert.Equal(first.GetProperty("eventId").GetString(), summaries[1].GetProperty("eventId").GetString());
        Assert.Equal(first.GetProperty("data").GetRawText(), summaries[1].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task The_mail_has_a_readable_plain_and_html_body()
    {
        await TickAtAsync(Noon(2026, 10, 12));
        var alert = Assert.Single(await SummariesAsync());
        var notification = QueueMessageJson.Deserialize<NotificationEvent>(BinaryData.FromString(alert.GetRawText()), NotificationEvent.CurrentVersion);
        var mail = _api.Services.GetRequiredService<AlertMailRenderer>().Render(notification, new SubscriptionEntity { RowKey = "sub_1", Name = "ops <team>" });

        Assert.Equal("[NumberTrust] Weekly upkeep summary 2026-W42: 1 number(s), 0 label(s), 0 open appeal(s), 1 task(s) due", mail.Subject);
        Assert.Contains("Trust scores (1)", mail.PlainText);
        Assert.Contains("+8613800138000 (客服热线): no score yet", mail.PlainText);
        Assert.Contains("2026-10-15  +8613800138000: quarterly review (open), task 20261001-q-8613800138000", mail.PlainText);
        Assert.Contains("/api/upkeep/tasks?status=open", mail.PlainText);
        Assert.DoesNotContain("Open appeals", mail.PlainText);
        Assert.Contains("<h3>Maintenance tasks due within 7 days (1)</h3>", mail.Html);
        Assert.Contains("ops &lt;team&gt;", mail.Html);
    }
}

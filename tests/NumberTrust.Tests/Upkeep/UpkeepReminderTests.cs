using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// The reminder timer through the local host over Azurite: documents, certifications and planned display labels, with the
/// tenant's time zone for "the day", dates moved after a reminder, items deleted early and a timer that was down.
/// </summary>
public sealed class UpkeepReminderTests : IAsyncLifetime
{
    private const string Number = "+8613800138000";
    private readonly ShiftedClock _clock = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(services: services => services.AddSingleton<TimeProvider>(_clock));
        _client = await _api.TenantAsync();
        using var put = await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Hotline", platforms = new[] { "baidu" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    /// <summary>Sets the host's clock to <paramref name="utc"/> and runs the reminder timer as both hosts do.</summary>
    private Task TickAtAsync(DateTimeOffset utc)
    {
        _clock.Offset = utc - DateTimeOffset.UtcNow;
        return FunctionTable.RunTimerAsync(FunctionNames.UpkeepReminderTimer, _api.Services, new TimerTick(utc, false, null, utc.AddHours(1)), CancellationToken.None);
    }

    /// <summary>12:00 in Shanghai (the default zone) on a day.</summary>
    private static DateTimeOffset Noon(int year, int month, int day) => new(year, month, day, 4, 0, 0, TimeSpan.Zero);

    private async Task<List<JsonElement>> AlertsAsync(string type)
    {
        var messages = (await _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).Where(a => a.GetProperty("type").GetString() == type).ToList();
    }

    private static int Threshold(JsonElement alert) => alert.GetProperty("data").GetProperty("threshold").GetInt32();

    private async Task<JsonElement> CreateDocumentAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/documents", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task A_document_is_reminded_30_and_7_days_before_and_on_the_day_once_each()
    {
        var document = await CreateDocumentAsync(_client, new { kind = "business_licence", issuer = "市场监督管理局", documentNumber = "91310000MA1", expires = "2026-12-31" });
        var id = document.GetProperty("id").GetString();

        await TickAtAsync(Noon(2026, 11, 30));
        Assert.Empty(await AlertsAsync("upkeep.document_expiring"));
        foreach (var day in new[] { 1, 1, 2, 23, 24, 25, 31 })
        {
            await TickAtAsync(Noon(2026, 12, day));
        }

        await TickAtAsync(Noon(2027, 1, 1));
        var alerts = await AlertsAsync("upkeep.document_expiring");
        Assert.Equal([30, 7, 0], alerts.Select(Threshold));
        Assert.Equal([$"document-expiring:{TenantOf(alerts[0])}:{id}:2026-12-31:30", $"document-expiring:{TenantOf(alerts[0])}:{id}:2026-12-31:7", $"document-expiring:{TenantOf(alerts[0])}:{id}:2026-12-31:0"],
            alerts.Select(a => a.GetProperty("eventId").GetString()));
        Assert.Equal([30, 7, 0], alerts.Select(a => a.GetProperty("data").GetProperty("daysLeft").GetInt32()));
        Assert.Equal("business_licence", alerts[0].GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("91310000MA1", alerts[0].GetProperty("data").GetProperty("documentNumber").GetString());
    }

    private static string TenantOf(JsonElement alert) => alert.GetProperty("tenantId").GetString()!;

    [Fact]
    public async Task A_tenant_whose_upkeep_fails_does_not_hold_back_the_tenants_after_it_and_the_tick_reports_it()
    {
        // Tenants are read in id order: the broken one comes first.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (broken, good) = ("aaa-broken-" + suffix, "zzz-good-" + suffix);
        using var brokenClient = await _api.TenantAsync(broken);
        using var goodClient = await _api.TenantAsync(good);
        await CreateDocumentAsync(brokenClient, new { kind = "business_licence", issuer = "市场监督管理局", documentNumber = "91310000MA2", expires = "2026-12-31" });
        var document = await CreateDocumentAsync(goodClient, new { kind = "business_licence", issuer = "市场监督管理局", documentNumber = "91310000MA3", expires = "2026-12-31" });
        // A row the reminder cannot read (a wrongly typed column, as a bad migration or a hand edit would leave).
        await _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.UpkeepDocuments)
            .UpsertEntityAsync(new Azure.Data.Tables.TableEntity(broken, "doc_unreadable") { ["Expires"] = "2026-12-31", ["RemindedThreshold"] = "thirty" });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TickAtAsync(Noon(2026, 12, 1)));
        Assert.Contains("1 of", failure.Message, StringComparison.Ordinal);

        var alert = Assert.Single(await AlertsAsync("upkeep.document_expiring"));
        Assert.Equal(good, TenantOf(alert));
        Assert.Equal(document.GetProperty("id").GetString(), alert.GetProperty("data").GetProperty("documentId").GetString());
    }

    [Fact]
    public async Task The_day_is_the_tenants_own_in_its_time_zone()
    {
        using var losAngeles = await _api.TenantAsync();
        using var zone = await losAngeles.PutAsJsonAsync("/api/digest-settings", new { timeZone = "America/Los_Angeles" });
        Assert.True(zone.IsSuccessStatusCode, await zone.Content.ReadAsStringAsync());
        await CreateDocumentAsync(_client, new { kind = "industry_permit", expires = "2026-12-31" });
        await CreateDocumentAsync(losAngeles, new { kind = "industry_permit", expires = "2026-12-31" });

        // 02:00 UTC on 1 Dec: 10:00 on 1 Dec in Shanghai, still 30 Nov (18:00) in Los Angeles.
        await TickAtAsync(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        var first = Assert.Single(await AlertsAsync("upkeep.document_expiring"));
        Assert.Equal("2026-12-01", first.GetProperty("data").GetProperty("localDate").GetString());

        // 08:00 UTC on 1 Dec is midnight in Los Angeles.
        await TickAtAsync(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var alerts = await AlertsAsync("upkeep.document_expiring");
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(TenantOf(alerts[0]), TenantOf(alerts[1]));
        Assert.Equal("2026-12-01", alerts[1].GetProperty("data").GetProperty("localDate").GetString());
    }

    [Fact]
    public async Task A_renewal_after_a_reminder_re_arms_the_thresholds_ahead_and_a_correction_earlier_sends_no_repeat()
    {
        var renewed = await CreateDocumentAsync(_client, new { kind = "practitioner_certificate", expires = "2026-12-31" });
        var corrected = await CreateDocumentAsync(_client, new { kind = "industry_permit", expires = "2026-12-31" });
        await TickAtAsync(Noon(2026, 12, 24));
        Assert.Equal([7, 7], (await AlertsAsync("upkeep.document_expiring")).Select(Threshold));

        await PutDocumentAsync(renewed, "2027-02-15");
        await PutDocumentAsync(corrected, "2026-12-27");
        await TickAtAsync(Noon(2026, 12, 25));
        Assert.Equal(2, (await AlertsAsync("upkeep.document_expiring")).Count);

        await TickAtAsync(Noon(2026, 12, 27));
        await TickAtAsync(Noon(2027, 1, 16));
        var alerts = await AlertsAsync("upkeep.document_expiring");
        Assert.Equal(["2026-12-31:7", "2026-12-31:7", "2026-12-27:0", "2027-02-15:30"],
            alerts.Select(a => a.GetProperty("data").GetProperty("expires").GetString() + ":" + Threshold(a)));
    }

    private async Task PutDocumentAsync(JsonElement document, string expires)
    {
        var id = document.GetProperty("id").GetString();
        using var get = await _client.GetAsync("/api/documents/" + id);
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/documents/" + id)
        {
            Content = JsonContent.Create(new { kind = document.GetProperty("kind").GetString(), expires }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag!.ToString());
        using var put = await _client.SendAsync(request);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_document_deleted_early_is_never_reminded()
    {
        var document = await CreateDocumentAsync(_client, new { kind = "business_licence", expires = "2026-12-31", number = "138 0013 8000" });
        Assert.Equal(Number, document.GetProperty("number").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/documents/" + document.GetProperty("id").GetString())).StatusCode);

        await TickAtAsync(Noon(2026, 12, 1));
        await TickAtAsync(Noon(2026, 12, 31));
        Assert.Empty(await AlertsAsync("upkeep.document_expiring"));
    }

    [Fact]
    public async Task A_timer_that_was_down_catches_up_with_the_latest_threshold_only()
    {
        await CreateDocumentAsync(_client, new { kind = "trademark", expires = "2026-12-31" });
        await TickAtAsync(Noon(2026, 12, 27));
        await TickAtAsync(Noon(2026, 12, 28));
        await TickAtAsync(Noon(2027, 1, 3));
        Assert.Equal([7, 0], (await AlertsAsync("upkeep.document_expiring")).Select(Threshold));
    }

    [Fact]
    public async Task A_certification_expiry_of_an_expectation_is_reminded_per_number_and_platform()
    {
        using var put = await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/baidu-haoma", new { displayName = "示例科技客服", certificationProvider = "企业认证", certificationExpires = "2026-12-08" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await TickAtAsync(Noon(2026, 11, 30));
        await TickAtAsync(Noon(2026, 12, 1));
        await TickAtAsync(Noon(2026, 12, 8));

        var alerts = await AlertsAsync("upkeep.certification_expiring");
        Assert.Equal([30, 7, 0], alerts.Select(Threshold));
        Assert.All(alerts, a => Assert.Equal((Number, "baidu-haoma"), (a.GetProperty("number").GetString(), a.GetProperty("platform").GetString())));
        Assert.Equal("企业认证", alerts[0].GetProperty("data").GetProperty("certificationProvider").GetString());

        // Deleting the expectation ends its reminders.
        using var removed = await _client.DeleteAsync($"/api/numbers/{Number}/expectations/baidu-haoma");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    [Fact]
    public async Task A_number_the_tenant_removed_gets_no_certification_or_label_reminders()
    {
        using var put = await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/baidu-haoma", new { displayName = "示例科技客服", certificationExpires = "2026-12-08" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var label = await _client.PostAsJsonAsync($"/api/numbers/{Number}/display-labels", new { platform = "baidu-haoma", label = "双12专线", start = "2026-12-12", end = "2026-12-12" });
        Assert.Equal(HttpStatusCode.Created, label.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/numbers/" + Number)).StatusCode);

        await TickAtAsync(Noon(2026, 12, 8));
        await TickAtAsync(Noon(2026, 12, 14));
        Assert.Empty(await AlertsAsync("upkeep.certification_expiring"));
        Assert.Empty(await AlertsAsync("upkeep.display_label_reminder"));
    }

    [Fact]
    public async Task A_planned_display_label_is_announced_7_days_ahead_and_switched_back_after_its_end()
    {
        using var created = await _client.PostAsJsonAsync($"/api/numbers/{Number}/display-labels", new { platform = "baidu-haoma", label = "示例商城-双11专线", start = "2026-11-11", end = "2026-11-12" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var deleted = await _client.PostAsJsonAsync($"/api/numbers/{Number}/display-labels", new { platform = "baidu-haoma", label = "展会专线", start = "2026-11-11", end = "2026-11-12" });
        var deletedId = (await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/numbers/{Number}/display-labels/{deletedId}")).StatusCode);

        foreach (var day in new[] { 3, 4, 5, 10, 11, 12, 13, 14 })
        {
            await TickAtAsync(Noon(2026, 11, day));
        }

        var alerts = await AlertsAsync("upkeep.display_label_reminder");
        Assert.Equal(["upcoming:2026-11-04", "ended:2026-11-13"],
            alerts.Select(a => a.GetProperty("data").GetProperty("reminder").GetString() + ":" + a.GetProperty("data").GetProperty("localDate").GetString()));
        Assert.All(alerts, a => Assert.Equal("示例商城-双11专线", a.GetProperty("data").GetProperty("label").GetString()));
        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/display-labels");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }
}

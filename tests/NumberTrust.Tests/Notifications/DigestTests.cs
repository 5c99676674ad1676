using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications.Digests;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// Daily digests through the running host: the timer finds due tenants in their own time zones, the composer writes one mark per
/// tenant and local date, and the digest reaches the tenant's subscriptions by webhook and mail once, whatever fires twice.
/// </summary>
public sealed class DigestTests : IAsyncLifetime
{
    private static readonly byte[] PdfFile = [.. "%PDF-1.4\ndigest evidence\n%%EOF"u8];

    // Monday 7 December 2026, 09:05 in Shanghai (01:05 UTC), 17:05 on Sunday in Los Angeles.
    private static readonly DateTimeOffset DigestMorning = new(2026, 12, 7, 1, 5, 0, TimeSpan.Zero);

    private readonly ShiftedClock _clock = new();
    private DeliveryHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await DeliveryHost.StartAsync(new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true" }, _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IServiceProvider Services => _host.Api.Services;

    private void At(DateTimeOffset instant) => _clock.Offset = instant - DateTimeOffset.UtcNow;

    private async Task LookUpAsync(string number, Observation observation, string? runId = null)
    {
        _host.Source.Script(number, "qihoo360", observation);
        var id = Guid.NewGuid().ToString("N");
        await Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", "qihoo360", _clock.GetUtcNow(), runId, 0, null)), 1, null),
            CancellationToken.None);
    }

    private static async Task RegisterAsync(HttpClient tenant, string number, string displayName)
    {
        using var put = await tenant.PutAsJsonAsync("/api/numbers/" + number, new { displayName, platforms = new[] { "qihoo360" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    private async Task<string> SubscribeAsync(HttpClient tenant, string path, string email)
    {
        var (id, secret) = await DeliveryHost.SubscribeAsync(tenant, new
        {
            name = "Morning digest", eventTypes = new[] { "digest.*" }, emails = new[] { email }, webhooks = new[] { _host.Receiver.UrlFor(path).ToString() },
        });
        _host.Receiver.AddEndpoint(path, secret!);
        return id;
    }

    private Task TickAsync()
    {
        var now = _clock.GetUtcNow();
        return FunctionTable.RunTimerAsync(FunctionNames.DigestTimer, Services, new TimerTick(now, false, null, now.AddMinutes(15)), CancellationToken.None);
    }

    private async Task<DigestEntity> MarkAsync(string tenantId, DateOnly localDate)
    {
        var store = Services.GetRequiredService<DigestStore>();
        DigestEntity? mark = null;
        await DeliveryHost.WaitUntilAsync(async () => (mark = await store.FindAsync(tenantId, localDate, CancellationToken.None)) is { Done: true }, $"the digest of {tenantId} for {localDate}");
        return mark!;
    }

    private async Task DrainAsync()
    {
        var storage = Services.GetRequiredService<StorageAccount>();
        foreach (var queue in new[] { QueueNames.Digests, QueueNames.Alerts, QueueNames.Deliveries })
        {
            await DeliveryHost.WaitUntilAsync(async () => (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, $"the {queue} queue to drain");
        }

        // A message being handled is invisible, not counted: give the last one time to finish.
        await Task.Delay(1500);
    }

    [Fact]
    public async Task A_due_tenant_gets_one_digest_with_every_section_even_when_the_timer_fires_twice_or_a_composer_dies_before_marking()
    {
        const string tenantId = "digest-a";
        var tenant = await _host.Api.TenantAsync(tenantId);
        const string hotline = "+8613800138061";
        const string sales = "+8613800138062";

        // A label removed by a verified appeal on 4 December: trust back to 100, the appeal Resolved.
        At(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
        await RegisterAsync(tenant, hotline, "Hotline");
        await RegisterAsync(tenant, sales, "Sales");
        await LookUpAsync(hotline, Labeled("fraud", "诈骗电话", 12));
        using var created = await tenant.PostAsJsonAsync($"/api/numbers/{hotline}/appeals",
            new { platform = "qihoo360", reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        var appealId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var pdf = new ByteArrayContent(PdfFile);
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        (await tenant.PutAsync($"/api/appeals/{appealId}/evidence/business-licence", pdf)).Dispose();
        (await tenant.PostAsJsonAsync($"/api/appeals/{appealId}/submit", new { force = true })).Dispose();
        await LookUpAsync(hotline, Clean());
        At(new DateTimeOffset(2026, 12, 4, 12, 30, 0, TimeSpan.Zero));
        await LookUpAsync(hotline, Clean());
        Assert.Equal("Resolved", (await tenant.GetFromJsonAsync<JsonElement>("/api/appeals/" + appealId)).GetProperty("status").GetString());

        // The night before the digest: the label is back (a follow-up opens) and a scan of the other number cannot read 360.
        At(new DateTimeOffset(2026, 12, 7, 0, 30, 0, TimeSpan.Zero));
        await LookUpAsync(hotline, Labeled("harassment", "骚扰电话", 3));
        using var scan = await tenant.PostAsync($"/api/numbers/{sales}/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, scan.StatusCode);
        var scanId = (await scan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("scanId").GetString()!;
        await LookUpAsync(sales, Unknown("captcha"), scanId);
        var subscription = await SubscribeAsync(tenant, "/a", "ops@a.example.com");

        At(DigestMorning);
        await TickAsync();
        await TickAsync();
        var mark = await MarkAsync(tenantId, new DateOnly(2026, 12, 7));
        Assert.Equal(DigestEntity.DailyKind, mark.Kind);
        await DeliveryHost.WaitForDeliveriesAsync(tenant, subscription, "succeeded", items => items.Length == 2);

        // The same message redelivered, a later tick, and a composer that published but died before marking the row.
        var storage = Services.GetRequiredService<StorageAccount>();
        await storage.Queue(QueueNames.Digests).SendMessageAsync(QueueMessageJson.Serialize(new DigestMessage(1, tenantId, "2026-12-07")));
        await TickAsync();
        var table = storage.Table(TableNames.Digests);
        var row = (await table.GetEntityAsync<TableEntity>(tenantId, DigestEntity.RowFor(new DateOnly(2026, 12, 7)))).Value;
        row.Remove(nameof(DigestEntity.PublishedAt));
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        await TickAsync();
        await MarkAsync(tenantId, new DateOnly(2026, 12, 7));
        await DrainAsync();

        var webhook = Assert.Single(_host.Receiver.Deliveries);
        Assert.True(webhook.SignatureValid, webhook.Problem);
        Assert.Empty(_host.Receiver.Duplicates());
        var mail = Assert.Single(_host.Acs.Mailbox);
        Assert.Equal("ops@a.example.com", mail.To.Single().Address);

        var body = JsonDocument.Parse(webhook.Body).RootElement;
        Assert.Equal("digest.daily", body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal("2026-12-07", data.GetProperty("localDate").GetString());
        Assert.Equal("Asia/Shanghai", data.GetProperty("timeZone").GetString());
        Assert.Equal(2, data.GetProperty("numbers").GetInt32());
        var labeled = data.GetProperty("labeled");
        Assert.Equal(1, labeled.GetProperty("total").GetInt32());
        var platform = Assert.Single(labeled.GetProperty("byPlatform").EnumerateArray());
        Assert.Equal("qihoo360", platform.GetProperty("platform").GetString());
        Assert.Equal(1, platform.GetProperty("count").GetInt32());
        Assert.Equal("骚扰电话", labeled.GetProperty("items")[0].GetProperty("labelText").GetString());
        var change = Assert.Single(data.GetProperty("changes").GetProperty("items").EnumerateArray(), c => c.GetProperty("number").GetString() == hotline);
        Assert.Equal("Clean", change.GetProperty("fromState").GetString());
        Assert.Equal("Labeled", change.GetProperty("toState").GetString());
        var drop = Assert.Single(data.GetProperty("trustDrops").GetProperty("items").EnumerateArray());
        Assert.Equal(hotline, drop.GetProperty("number").GetString());
        Assert.Equal(100, drop.GetProperty("from").GetInt32());
        Assert.True(drop.GetProperty("to").GetInt32() < 100, drop.ToString());
        var failed = Assert.Single(data.GetProperty("failedScans").GetProperty("items").EnumerateArray());
        Assert.Equal(scanId, failed.GetProperty("scanId").GetString());
        Assert.Equal(sales, failed.GetProperty("number").GetString());
        Assert.Equal("Unknown", failed.GetProperty("status").GetString());
        var followUp = Assert.Single(data.GetProperty("openFollowUps").GetProperty("items").EnumerateArray());
        Assert.Equal(appealId, followUp.GetProperty("followUpOf").GetString());
        Assert.Equal("Draft", followUp.GetProperty("status").GetString());

        Assert.StartsWith("[NumberTrust] Daily digest: 1 labeled number, ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("1 trust drop, 1 failed scan, 1 open follow-up (2026-12-07)", mail.Subject, StringComparison.Ordinal);
        foreach (var section in new[] { "Labeled numbers by platform (1)", "Label changes in the last 24 hours", "Trust scores that dropped (1)", "Scans that failed (1)", "Open follow-up appeals (1)" })
        {
            Assert.Contains(section, mail.PlainText, StringComparison.Ordinal);
            Assert.Contains(section, mail.Html, StringComparison.Ordinal);
        }

        Assert.Contains("360 (qihoo360): 1", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains($"{hotline} (Hotline): 100 -> ", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("2026-12-07 08:30  " + hotline, mail.PlainText, StringComparison.Ordinal); // Shanghai time of the change
        Assert.Contains("lang=\"zh-CN\">", mail.Html, StringComparison.Ordinal);
        Assert.Contains("骚扰电话", mail.Html, StringComparison.Ordinal);
        Assert.Contains($"{DeliveryHost.PublicBaseUrl}/api/digest-settings", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains(subscription, mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_days_without_a_digest_the_next_one_covers_everything_since_the_last()
    {
        const string tenantId = "digest-catchup";
        var tenant = await _host.Api.TenantAsync(tenantId);
        const string number = "+8613800138081";
        At(DigestMorning.AddDays(-4));
        await RegisterAsync(tenant, number, "Main line");
        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 12));
        var subscription = await SubscribeAsync(tenant, "/catchup", "ops@catchup.example.com");

        // Thursday's digest goes out; then the timer is down until Monday.
        At(DigestMorning.AddDays(-4).AddMinutes(5));
        await TickAsync();
        var thursday = await MarkAsync(tenantId, new DateOnly(2026, 12, 3));
        await DeliveryHost.WaitForDeliveriesAsync(tenant, subscription, "succeeded", items => items.Length == 2);
        At(DigestMorning.AddDays(-3));
        await LookUpAsync(number, Labeled("harassment", "骚扰电话", 30)); // Friday: more than a day before Monday's digest
        At(DigestMorning.AddHours(-2));
        await LookUpAsync(number, Clean()); // Monday night

        At(DigestMorning);
        await TickAsync();
        await MarkAsync(tenantId, new DateOnly(2026, 12, 7));
        await DeliveryHost.WaitForDeliveriesAsync(tenant, subscription, "succeeded", items => items.Length == 4);
        await DrainAsync();

        var monday = _host.Receiver.Deliveries.Where(w => w.Path == "/catchup")
            .Select(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("data")).Single(d => d.GetProperty("localDate").GetString() == "2026-12-07");
        Assert.Equal(thursday.ComposedAt, monday.GetProperty("since").GetDateTimeOffset());
        var changes = monday.GetProperty("changes");
        Assert.Equal(2, changes.GetProperty("total").GetInt32());
        Assert.Contains(changes.GetProperty("items").EnumerateArray(), c => c.TryGetProperty("labelText", out var text) && text.GetString() == "骚扰电话");
    }

    [Fact]
    public async Task Each_tenant_gets_its_digest_at_its_own_local_time_and_date()
    {
        var shanghai = await _host.Api.TenantAsync("digest-sh");
        var losAngeles = await _host.Api.TenantAsync("digest-la");
        using var put = await losAngeles.PutAsJsonAsync("/api/digest-settings", new { localTime = "18:00", timeZone = "America/Los_Angeles" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        At(DigestMorning.AddHours(-5));
        foreach (var (tenant, number) in new[] { (shanghai, "+8613800138071"), (losAngeles, "+8613800138072") })
        {
            await RegisterAsync(tenant, number, "Main line");
            await LookUpAsync(number, Labeled("fraud", "诈骗电话", 12));
        }

        var shSubscription = await SubscribeAsync(shanghai, "/sh", "ops@sh.example.com");
        var laSubscription = await SubscribeAsync(losAngeles, "/la", "ops@la.example.com");

        // 09:05 in Shanghai, 17:05 in Los Angeles: only Shanghai is due.
        At(DigestMorning);
        await TickAsync();
        await MarkAsync("digest-sh", new DateOnly(2026, 12, 7));
        await DeliveryHost.WaitForDeliveriesAsync(shanghai, shSubscription, "succeeded", items => items.Length == 2);
        await DrainAsync();
        var store = Services.GetRequiredService<DigestStore>();
        Assert.Null(await store.FindAsync("digest-la", new DateOnly(2026, 12, 6), CancellationToken.None));
        Assert.Empty((await losAngeles.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{laSubscription}/deliveries")).GetProperty("items").EnumerateArray());

        // An hour later it is 18:05 on Sunday in Los Angeles: its digest is for its own date; Shanghai's is not sent again.
        At(DigestMorning.AddHours(1));
        await TickAsync();
        await MarkAsync("digest-la", new DateOnly(2026, 12, 6));
        await DeliveryHost.WaitForDeliveriesAsync(losAngeles, laSubscription, "succeeded", items => items.Length == 2);
        await DrainAsync();

        Assert.Single(_host.Receiver.Deliveries, w => w.Path == "/sh");
        var la = JsonDocument.Parse(Assert.Single(_host.Receiver.Deliveries, w => w.Path == "/la").Body).RootElement.GetProperty("data");
        Assert.Equal("2026-12-06", la.GetProperty("localDate").GetString());
        Assert.Equal("America/Los_Angeles", la.GetProperty("timeZone").GetString());
        var laMail = Assert.Single(_host.Acs.Mailbox, m => m.To.Single().Address == "ops@la.example.com");
        Assert.Contains("(2026-12-06)", laMail.Subject, StringComparison.Ordinal);
        Assert.Contains("(America/Los_Angeles)", laMail.PlainText, StringComparison.Ordinal);
        Assert.Equal(2, _host.Acs.Mailbox.Count);
    }

    [Fact]
    public async Task Nothing_to_say_sends_nothing_except_the_weekly_all_clear_on_the_chosen_day()
    {
        var quiet = await _host.Api.TenantAsync("digest-quiet");
        var monday = await _host.Api.TenantAsync("digest-monday");
        var tuesday = await _host.Api.TenantAsync("digest-tuesday");
        (await monday.PutAsJsonAsync("/api/digest-settings", new { weeklyAllClear = true, allClearDay = "Monday" })).Dispose();
        (await tuesday.PutAsJsonAsync("/api/digest-settings", new { weeklyAllClear = true, allClearDay = "tuesday" })).Dispose();
        At(DigestMorning.AddHours(-5));
        var subscriptions = new List<(HttpClient Tenant, string Id)>();
        foreach (var (tenant, number, name) in new[] { (quiet, "+8613800138081", "quiet"), (monday, "+8613800138082", "monday"), (tuesday, "+8613800138083", "tuesday") })
        {
            await RegisterAsync(tenant, number, "Main line");
            await LookUpAsync(number, Clean());
            subscriptions.Add((tenant, await SubscribeAsync(tenant, "/" + name, $"ops@{name}.example.com")));
        }

        At(DigestMorning);
        await TickAsync();
        var day = new DateOnly(2026, 12, 7);
        Assert.Equal(DigestEntity.NothingKind, (await MarkAsync("digest-quiet", day)).Kind);
        Assert.Equal(DigestEntity.NothingKind, (await MarkAsync("digest-tuesday", day)).Kind);
        Assert.Equal(DigestEntity.AllClearKind, (await MarkAsync("digest-monday", day)).Kind);
        await DeliveryHost.WaitForDeliveriesAsync(monday, subscriptions[1].Id, "succeeded", items => items.Length == 2);
        await TickAsync();
        await DrainAsync();

        var webhook = Assert.Single(_host.Receiver.Deliveries);
        Assert.Equal("/monday", webhook.Path);
        Assert.Equal("digest.all_clear", JsonDocument.Parse(webhook.Body).RootElement.GetProperty("type").GetString());
        var mail = Assert.Single(_host.Acs.Mailbox);
        Assert.Equal("ops@monday.example.com", mail.To.Single().Address);
        Assert.Equal("[NumberTrust] All clear: nothing to report for your 1 number(s) (2026-12-07)", mail.Subject);
        Assert.Empty((await quiet.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscriptions[0].Id}/deliveries")).GetProperty("items").EnumerateArray());
        Assert.Empty((await tuesday.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscriptions[2].Id}/deliveries")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Digest_settings_default_to_nine_in_Shanghai_round_trip_and_refuse_bad_input_naming_the_field()
    {
        var tenant = await _host.Api.TenantAsync();
        var defaults = await tenant.GetFromJsonAsync<JsonElement>("/api/digest-settings");
        Assert.True(defaults.GetProperty("enabled").GetBoolean());
        Assert.Equal("09:00", defaults.GetProperty("localTime").GetString());
        Assert.Equal("Asia/Shanghai", defaults.GetProperty("timeZone").GetString());
        Assert.False(defaults.GetProperty("weeklyAllClear").GetBoolean());

        using var saved = await tenant.PutAsJsonAsync("/api/digest-settings", new { localTime = "07:30", timeZone = "Europe/Berlin", weeklyAllClear = true, allClearDay = "friday", enabled = false });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var read = await tenant.GetFromJsonAsync<JsonElement>("/api/digest-settings");
        Assert.Equal("07:30", read.GetProperty("localTime").GetString());
        Assert.Equal("Europe/Berlin", read.GetProperty("timeZone").GetString());
        Assert.True(read.GetProperty("weeklyAllClear").GetBoolean());
        Assert.Equal("Friday", read.GetProperty("allClearDay").GetString());
        Assert.False(read.GetProperty("enabled").GetBoolean());

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { localTime = "9am" }, "localTime"),
            (new { localTime = "24:00" }, "localTime"),
            (new { timeZone = "Mars/Olympus" }, "timeZone"),
            (new { timeZone = "China Standard Time" }, "timeZone"),
            (new { allClearDay = "Someday" }, "allClearDay"),
            (new { allClearDay = "3" }, "allClearDay"),
        })
        {
            using var response = await tenant.PutAsJsonAsync("/api/digest-settings", body);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        using var notBool = await tenant.PutAsync("/api/digest-settings", new StringContent("{\"enabled\":\"yes\"}", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(notBool, HttpStatusCode.BadRequest);
        Assert.Equal("07:30", (await tenant.GetFromJsonAsync<JsonElement>("/api/digest-settings")).GetProperty("localTime").GetString());
        using var anonymous = _host.Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/digest-settings")).StatusCode);
    }
}

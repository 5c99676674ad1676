using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Platforms;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// Expectations against what a platform shows, through scans of the local host with scripted lookups: one
/// <c>upkeep.display_mismatch</c> per episode, unknown lookups neither match nor mismatch, planned labels switch the expected name.
/// </summary>
public sealed class DisplayMismatchTests : IAsyncLifetime
{
    private const string Number = "+8613800138000";
    private const string Platform = PlatformIds.BaiduHaoma;
    private static readonly DisplayedIdentity Right = new("示例科技客服", "企业认证", Certified: true);
    private readonly ShiftedClock _clock = new();
    private readonly ScriptedLabelSource _source = new(PlatformIds.BaiduHaoma);
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(services: services =>
        {
            services.AddSingleton<ILabelSource>(_source);
            services.AddSingleton<TimeProvider>(_clock);
        });
        _client = await _api.TenantAsync();
        using var put = await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Hotline", platforms = new[] { Platform } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private static Observation Shows(DisplayedIdentity? identity) => ScriptedLabelSource.Clean() with { Identity = identity };

    private async Task ExpectAsync(object body, HttpStatusCode status = HttpStatusCode.Created)
    {
        using var put = await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/{Platform}", body);
        Assert.True(put.StatusCode == status, await put.Content.ReadAsStringAsync());
    }

    /// <summary>Scans the number once and waits for the run to finish (the lookup and its observers are done then).</summary>
    private async Task ScanAsync()
    {
        using var post = await _client.PostAsync($"/api/numbers/{Number}/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await _client.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString);
            if (run.GetProperty("finished").GetBoolean())
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"scan did not finish: {run}");
            await Task.Delay(100);
        }
    }

    private async Task<List<JsonElement>> MismatchesAsync()
    {
        var messages = (await _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)
            .Where(a => a.GetProperty("type").GetString() == "upkeep.display_mismatch").ToList();
    }

    private static string[] Reasons(JsonElement alert) =>
        alert.GetProperty("data").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray();

    private Task<JsonElement> ExpectationAsync() => _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/expectations/{Platform}");

    [Fact]
    public async Task A_wrong_name_raises_one_event_per_episode_and_a_match_closes_it()
    {
        await ExpectAsync(new { displayName = "示例科技客服", certificationProvider = "企业认证" });
        var wrong = Right with { DisplayName = "示例科技(旧)" };
        _source.Script(Number, Platform, Shows(wrong), Shows(wrong), ScriptedLabelSource.Unknown("Captcha"), Shows(wrong), Shows(Right), Shows(wrong));

        await ScanAsync();
        await ScanAsync();
        var open = Assert.Single(await MismatchesAsync());
        Assert.Equal(["name"], Reasons(open));
        Assert.Equal("示例科技(旧)", open.GetProperty("data").GetProperty("shown").GetProperty("displayName").GetString());
        Assert.Equal("示例科技客服", open.GetProperty("data").GetProperty("expected").GetProperty("displayName").GetString());
        Assert.Equal(Platform, open.GetProperty("platform").GetString());
        var view = await ExpectationAsync();
        Assert.Equal(open.GetProperty("eventId").GetString(), view.GetProperty("mismatch").GetProperty("eventId").GetString());
        Assert.Equal("示例科技(旧)", view.GetProperty("shown").GetProperty("displayName").GetString());

        // An unreadable lookup neither closes the episode nor opens another; the same wrong name after it is still the same episode.
        await ScanAsync();
        await ScanAsync();
        Assert.Single(await MismatchesAsync());
        Assert.Equal(JsonValueKind.Object, (await ExpectationAsync()).GetProperty("mismatch").ValueKind);

        // The right name closes it; the wrong one again is a new episode with an id of its own.
        await ScanAsync();
        Assert.False((await ExpectationAsync()).TryGetProperty("mismatch", out _));
        await ScanAsync();
        var alerts = await MismatchesAsync();
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(alerts[0].GetProperty("eventId").GetString(), alerts[1].GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task No_identity_shown_an_uncertified_name_and_another_provider_are_mismatches()
    {
        await ExpectAsync(new { displayName = "示例科技客服", certificationProvider = "企业认证" });
        _source.Script(Number, Platform, Shows(null));
        await ScanAsync();
        Assert.Equal(["not_shown"], Reasons(Assert.Single(await MismatchesAsync())));

        // Full-width letters and spacing are the same name; a directory name nobody verified is not the authenticated one.
        await ExpectAsync(new { displayName = "ＡＢＣ 示例科技客服", certificationProvider = "企业认证" }, HttpStatusCode.OK);
        _source.Script(Number, Platform, Shows(new DisplayedIdentity("ABC示例科技客服", "号码百科", Certified: false)));
        await ScanAsync();
        Assert.Equal(["provider", "not_certified"], Reasons((await MismatchesAsync())[1]));

        _source.Script(Number, Platform, Shows(new DisplayedIdentity("ABC 示例科技客服", "企业认证", Certified: true)));
        await ScanAsync();
        Assert.Equal(2, (await MismatchesAsync()).Count);
        Assert.False((await ExpectationAsync()).TryGetProperty("mismatch", out _));
    }

    [Fact]
    public async Task A_changed_expectation_during_an_episode_opens_a_new_one()
    {
        await ExpectAsync(new { displayName = "示例科技客服" });
        _source.Script(Number, Platform, Shows(Right with { DisplayName = "别的名字" }));
        await ScanAsync();
        await ExpectAsync(new { displayName = "示例科技" }, HttpStatusCode.OK);
        await ScanAsync();
        await ScanAsync();
        Assert.Equal(["示例科技客服", "示例科技"],
            (await MismatchesAsync()).Select(a => a.GetProperty("data").GetProperty("expected").GetProperty("displayName").GetString()));
    }

    [Fact]
    public async Task During_a_planned_label_the_platform_must_show_the_label()
    {
        await ExpectAsync(new { displayName = "示例科技客服" });
        using var label = await _client.PostAsJsonAsync($"/api/numbers/{Number}/display-labels", new { platform = Platform, label = "示例商城-双11专线", start = "2026-11-11", end = "2026-11-12" });
        Assert.Equal(HttpStatusCode.Created, label.StatusCode);
        var labelId = (await label.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        _source.Script(Number, Platform, Shows(Right), Shows(Right), Shows(Right with { DisplayName = "示例商城-双11专线" }), Shows(Right));

        // 10 Nov in Shanghai: the usual name is right. 11 Nov 08:00 in Shanghai (00:00 UTC): the platform still shows it.
        _clock.Offset = new DateTimeOffset(2026, 11, 10, 4, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow;
        await ScanAsync();
        Assert.Empty(await MismatchesAsync());
        _clock.Offset = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow;
        await ScanAsync();
        var mismatch = Assert.Single(await MismatchesAsync());
        Assert.Equal("示例商城-双11专线", mismatch.GetProperty("data").GetProperty("expected").GetProperty("displayName").GetString());
        Assert.Equal(labelId, mismatch.GetProperty("data").GetProperty("expected").GetProperty("displayLabelId").GetString());

        // The campaign name shows; after the window the usual name is expected again and shows.
        await ScanAsync();
        _clock.Offset = new DateTimeOffset(2026, 11, 13, 4, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow;
        await ScanAsync();
        Assert.Single(await MismatchesAsync());
        Assert.False((await ExpectationAsync()).TryGetProperty("mismatch", out _));
    }

    [Fact]
    public async Task The_reminder_timer_scans_the_number_once_when_a_labels_window_opens()
    {
        await ExpectAsync(new { displayName = "示例科技客服" });
        using var label = await _client.PostAsJsonAsync($"/api/numbers/{Number}/display-labels", new { platform = Platform, label = "展会专线", start = "2026-11-11", end = "2026-11-12" });
        Assert.Equal(HttpStatusCode.Created, label.StatusCode);
        _source.Script(Number, Platform, Shows(Right));

        foreach (var day in new[] { 10, 11, 11, 12 })
        {
            var at = new DateTimeOffset(2026, 11, day, 4, 0, 0, TimeSpan.Zero);
            _clock.Offset = at - DateTimeOffset.UtcNow;
            await FunctionTable.RunTimerAsync(FunctionNames.UpkeepReminderTimer, _api.Services, new TimerTick(at, false, null, at.AddHours(1)), CancellationToken.None);
        }

        // The scan the window's first tick started finds the usual name where the label should be.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await MismatchesAsync()).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no mismatch after the label's start");
            await Task.Delay(100);
        }

        var mismatch = Assert.Single(await MismatchesAsync());
        Assert.Equal("展会专线", mismatch.GetProperty("data").GetProperty("expected").GetProperty("displayName").GetString());
        Assert.Equal(1, _source.CallsFor(Number, Platform));
    }

    [Fact]
    public async Task Each_tenant_is_compared_with_its_own_expectation_and_a_deleted_one_is_not()
    {
        using var other = await _api.TenantAsync();
        Assert.True((await other.PutAsJsonAsync("/api/numbers/" + Number, new { platforms = new[] { Platform } })).IsSuccessStatusCode);
        await ExpectAsync(new { displayName = "示例科技客服" });
        using var theirs = await other.PutAsJsonAsync($"/api/numbers/{Number}/expectations/{Platform}", new { displayName = "别的公司" });
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        _source.Script(Number, Platform, Shows(Right));

        await ScanAsync();
        var tenants = (await MismatchesAsync()).Select(a => a.GetProperty("tenantId").GetString()).ToList();
        Assert.Single(tenants);
        Assert.Equal("别的公司", (await MismatchesAsync())[0].GetProperty("data").GetProperty("expected").GetProperty("displayName").GetString());

        // Their expectation is gone and ours now differs: only ours is compared.
        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/numbers/{Number}/expectations/{Platform}")).StatusCode);
        await ExpectAsync(new { displayName = "示例科技" }, HttpStatusCode.OK);
        await ScanAsync();
        var alerts = await MismatchesAsync();
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(tenants[0], alerts[1].GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task A_platform_that_never_reads_identities_is_not_compared()
    {
        using var put = await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/baidu", new { displayName = "示例科技客服" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var source = _api.Services.GetRequiredService<NumberTrust.Upkeep.Expectations.DisplayMismatchObserver>();
        await source.OnLookupCompletedAsync(
            new LookupCompleted("j1", Number, "baidu", DateTimeOffset.UtcNow, ObservedState.Clean, null, null, ScriptedLabelSource.Clean()), CancellationToken.None);
        Assert.Empty(await MismatchesAsync());
    }
}

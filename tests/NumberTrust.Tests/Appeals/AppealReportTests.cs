using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary><c>GET /api/reports/appeals</c> over appeals driven through the API and lookups: counts, medians and success rate.</summary>
public sealed class AppealReportTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private readonly ShiftedClock _clock = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true" },
            services =>
            {
                services.AddSingleton<ILabelSource>(_source);
                services.AddSingleton<TimeProvider>(_clock);
            });
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task LookUpAsync(string number, string platform, Observation observation)
    {
        _source.Script(number, platform, observation);
        var id = Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", platform, _clock.GetUtcNow(), null, 0, null)), 1, null),
            CancellationToken.None);
    }

    private async Task<string> DraftAsync(string number, string platform)
    {
        (await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360", "baidu" } })).Dispose();
        await LookUpAsync(number, platform, Labeled("fraud", "诈骗电话", 12));
        using var created = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals",
            new { platform, reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task SubmitAsync(string id) => (await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true })).Dispose();

    [Fact]
    public async Task The_report_counts_by_platform_and_status_with_medians_and_success_rate()
    {
        var empty = await _client.GetFromJsonAsync<JsonElement>("/api/reports/appeals");
        Assert.Equal(0, empty.GetProperty("total").GetInt32());
        Assert.False(empty.TryGetProperty("successRate", out _));

        var resolved = await DraftAsync("+8613800138801", "qihoo360");
        var rejected = await DraftAsync("+8613800138802", "baidu");
        await DraftAsync("+8613800138803", "qihoo360");
        _clock.Offset = TimeSpan.FromHours(2);
        await SubmitAsync(resolved);
        _clock.Offset = TimeSpan.FromHours(4);
        await SubmitAsync(rejected);
        (await _client.PostAsJsonAsync($"/api/appeals/{rejected}/updates", new { status = "Rejected", reason = "no licence" })).Dispose();
        await LookUpAsync("+8613800138801", "qihoo360", Clean());
        _clock.Offset = TimeSpan.FromHours(16);
        await LookUpAsync("+8613800138801", "qihoo360", Clean());

        var report = await _client.GetFromJsonAsync<JsonElement>("/api/reports/appeals");

        Assert.Equal(3, report.GetProperty("total").GetInt32());
        var platforms = report.GetProperty("platforms").EnumerateArray().ToDictionary(p => p.GetProperty("platform").GetString()!);
        Assert.Equal(["baidu", "qihoo360"], platforms.Keys);
        Assert.Equal(1, platforms["baidu"].GetProperty("byStatus").GetProperty("Rejected").GetInt32());
        Assert.Equal(1, platforms["qihoo360"].GetProperty("byStatus").GetProperty("Resolved").GetInt32());
        Assert.Equal(1, platforms["qihoo360"].GetProperty("byStatus").GetProperty("Draft").GetInt32());
        Assert.Equal(0.5, report.GetProperty("successRate").GetDouble());
        Assert.Equal(1, report.GetProperty("open").GetInt32());
        // Labels first seen at about 0 h; submissions at 2 h and 4 h; the removal verified at 16 h, 14 h after its submission.
        Assert.InRange(report.GetProperty("medianSecondsToSubmit").GetDouble(), 3 * 3600 - 120, 3 * 3600 + 120);
        Assert.InRange(report.GetProperty("medianSecondsToVerifiedRemoval").GetDouble(), 14 * 3600 - 120, 14 * 3600 + 120);

        using var other = await _api.TenantAsync();
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/reports/appeals")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Each_submission_is_measured_against_the_response_target_and_the_report_counts_them()
    {
        var fast = await DraftAsync("+8613800138811", "qihoo360");
        var slow = await DraftAsync("+8613800138812", "qihoo360");
        var waiting = await DraftAsync("+8613800138813", "qihoo360");
        _clock.Offset = TimeSpan.FromHours(2);
        await SubmitAsync(fast);
        _clock.Offset = TimeSpan.FromHours(13);
        await SubmitAsync(slow);

        // The target is the seeds' "respond to a wrong label within 12 hours", from the label's first sighting.
        var fastView = await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{fast}");
        Assert.Equal(12 * 3600, fastView.GetProperty("responseTargetSeconds").GetDouble());
        Assert.True(fastView.GetProperty("withinResponseTarget").GetBoolean());
        Assert.False((await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{slow}")).GetProperty("withinResponseTarget").GetBoolean());
        Assert.False((await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{waiting}")).TryGetProperty("withinResponseTarget", out _));
        var listed = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=%2B8613800138812");
        Assert.False(listed.GetProperty("items")[0].GetProperty("withinResponseTarget").GetBoolean());

        var report = await _client.GetFromJsonAsync<JsonElement>("/api/reports/appeals");
        Assert.Equal(12 * 3600, report.GetProperty("responseTargetSeconds").GetDouble());
        Assert.Equal(1, report.GetProperty("withinResponseTarget").GetInt32());
        Assert.Equal(1, report.GetProperty("missedResponseTarget").GetInt32());
        Assert.Equal(0.5, report.GetProperty("responseTargetRate").GetDouble());
    }

    [Fact]
    public async Task A_tenant_sets_its_own_response_target_and_its_appeals_and_report_are_judged_by_it()
    {
        var defaults = await _client.GetFromJsonAsync<JsonElement>("/api/appeal-settings");
        Assert.Equal(12, defaults.GetProperty("responseTargetHours").GetDouble());
        Assert.True(defaults.GetProperty("default").GetBoolean());
        var id = await DraftAsync("+8613800138821", "qihoo360");
        _clock.Offset = TimeSpan.FromHours(3);
        await SubmitAsync(id);
        Assert.True((await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{id}")).GetProperty("withinResponseTarget").GetBoolean());

        // The seeds' 12 hours is the default; a tenant that promises its customers 2 hours sets that.
        using var put = await _client.PutAsJsonAsync("/api/appeal-settings", new { responseTargetHours = 2 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False((await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("default").GetBoolean());
        var appeal = await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{id}");
        Assert.Equal(2 * 3600, appeal.GetProperty("responseTargetSeconds").GetDouble());
        Assert.False(appeal.GetProperty("withinResponseTarget").GetBoolean());
        var report = await _client.GetFromJsonAsync<JsonElement>("/api/reports/appeals");
        Assert.Equal(1, report.GetProperty("missedResponseTarget").GetInt32());

        // Another tenant keeps the default; null goes back to it.
        using var other = await _api.TenantAsync();
        Assert.True((await other.GetFromJsonAsync<JsonElement>("/api/appeal-settings")).GetProperty("default").GetBoolean());
        using var reset = await _client.PutAsJsonAsync("/api/appeal-settings", new { responseTargetHours = (double?)null });
        Assert.Equal(12, (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responseTargetHours").GetDouble());
        Assert.True((await _client.GetFromJsonAsync<JsonElement>($"/api/appeals/{id}")).GetProperty("withinResponseTarget").GetBoolean());
    }

    [Theory]
    [InlineData("{\"responseTargetHours\":0.1}")]
    [InlineData("{\"responseTargetHours\":721}")]
    [InlineData("{\"responseTargetHours\":\"soon\"}")]
    [InlineData("{\"target\":3}")]
    [InlineData("[]")]
    public async Task Bad_appeal_settings_are_a_400_and_change_nothing(string body)
    {
        using var put = await _client.PutAsync("/api/appeal-settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.BadRequest);
        Assert.True((await _client.GetFromJsonAsync<JsonElement>("/api/appeal-settings")).GetProperty("default").GetBoolean());
    }
}

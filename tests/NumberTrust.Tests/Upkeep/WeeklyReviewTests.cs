using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Upkeep;

/// <summary>The system's weekly review and the weekly summary of a number whose label and trust score changed during the week.</summary>
public sealed class WeeklyReviewTests : IAsyncLifetime
{
    private const string Number = "+8613800138601";
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
        UpkeepTimer.Set(_clock, UpkeepTimer.Noon(2026, 9, 20));
        _client = await _api.TenantAsync();
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Sales" })).IsSuccessStatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private async Task LookUpAsync(string platform, Observation observation)
    {
        _source.Script(Number, platform, observation);
        var id = Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, Number, "CN", "Mobile", platform, _clock.GetUtcNow(), null, 0, null)), 1, null),
            CancellationToken.None);
    }

    [Fact]
    public async Task The_review_records_the_score_its_7_day_change_and_the_wrong_label()
    {
        // Read two hours after the 7-day window of the 5 Oct tick opens, on the UTC day the change is measured from.
        UpkeepTimer.Set(_clock, UpkeepTimer.Noon(2026, 9, 28).AddHours(2));
        await LookUpAsync("qihoo360", Clean());
        await LookUpAsync("baidu", Clean());
        UpkeepTimer.Set(_clock, UpkeepTimer.Noon(2026, 10, 2));
        await LookUpAsync("qihoo360", Labeled("sales", "广告推销", 120));

        await UpkeepTimer.TickAtAsync(_api, _clock, UpkeepTimer.Noon(2026, 10, 5));
        var tasks = (await _client.GetFromJsonAsync<JsonElement>("/api/upkeep/tasks?status=completed")).GetProperty("items").EnumerateArray().ToList();
        var review = Assert.Single(tasks, t => t.GetProperty("period").GetString() == "2026-W41");
        var summary = review.GetProperty("summary");
        Assert.Equal((46, -54, 2, 2), (summary.GetProperty("trustScore").GetInt32(), summary.GetProperty("change7Day").GetInt32(), summary.GetProperty("platformsChecked").GetInt32(), summary.GetProperty("platforms").GetInt32()));
        var label = Assert.Single(summary.GetProperty("labels").EnumerateArray());
        Assert.Equal(("qihoo360", "广告推销"), (label.GetProperty("platform").GetString(), label.GetProperty("labelText").GetString()));
        Assert.Equal("Trust score 46 (-54 over 7 days); labeled on 1 platform(s): qihoo360 sales \"广告推销\"; 2 of 2 platform(s) read this week.",
            review.GetProperty("summaryText").GetString());

        var weekly = Assert.Single(await UpkeepTimer.AlertsAsync(_api, "upkeep.weekly_summary")).GetProperty("data");
        Assert.Equal((46, -54), (weekly.GetProperty("trust").GetProperty("items")[0].GetProperty("trustScore").GetInt32(), weekly.GetProperty("trust").GetProperty("items")[0].GetProperty("change7Day").GetInt32()));
        Assert.Equal(1, weekly.GetProperty("labels").GetProperty("total").GetInt32());
    }
}

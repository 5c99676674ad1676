using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// The trust score per day, recorded from lookups run by the real worker over Azurite (time moved by a <see cref="ShiftedClock"/>),
/// read through <c>GET /api/numbers/{n}/trust</c> and the tenant summary <c>GET /api/reports/trust</c>.
/// </summary>
public sealed class TrustHistoryTests : IAsyncLifetime
{
    private const string Number = "+8613800138201";
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
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

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private void At(DateTimeOffset when) => _clock.Offset = when - DateTimeOffset.UtcNow;

    private async Task LookUpAsync(string platform, Observation observation, string? jobId = null)
    {
        _source.Script(Number, platform, observation);
        var id = jobId ?? Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, Number, "CN", "Mobile", platform, _clock.GetUtcNow(), null, 0, null)), 1, null),
            CancellationToken.None);
    }

    private async Task<Dictionary<string, int>> SeriesAsync(string from, string to)
    {
        var series = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/trust?from={from}&to={to}");
        return series.GetProperty("days").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!, d => d.GetProperty("trustScore").GetInt32());
    }

    private async Task<int> ShownScoreAsync() =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/numbers/" + Number)).GetProperty("trustScore").GetInt32();

    [Fact]
    public async Task The_series_carries_each_day_forward_and_matches_the_score_the_number_shows()
    {
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Sales" })).IsSuccessStatusCode);
        At(Day1);
        await LookUpAsync("qihoo360", Clean());
        await LookUpAsync("baidu", Clean());

        At(Day1.AddDays(2));
        await LookUpAsync("qihoo360", Labeled("sales", "广告推销", 120));
        var afterSales = await ShownScoreAsync();
        // Unreadable lookups and a redelivered job change nothing.
        await LookUpAsync("baidu", Unknown("Captcha"), jobId: "unknown-job");
        await LookUpAsync("baidu", Unknown("Captcha"), jobId: "unknown-job");

        At(Day1.AddDays(4));
        await LookUpAsync("baidu", Labeled("fraud", "诈骗电话", 30));
        At(Day1.AddDays(4).AddHours(5));
        await LookUpAsync("baidu", Labeled("sales", "推销", 30)); // the same day: the day keeps its last score
        var afterBoth = await ShownScoreAsync();

        At(Day1.AddDays(9));
        var days = await SeriesAsync("2026-10-30", "2026-11-08");
        Assert.Equal(Enumerable.Range(0, 8).Select(i => new DateOnly(2026, 11, 1).AddDays(i).ToString("yyyy-MM-dd")), days.Keys);
        Assert.Equal([100, 100, afterSales, afterSales, afterBoth, afterBoth, afterBoth, afterBoth], days.Values);
        Assert.Equal(46, afterSales); // 1 − 0.9 × 0.6
        Assert.True(afterBoth < afterSales);

        var labeled = (await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/trust?from=2026-11-05&to=2026-11-05"))
            .GetProperty("days")[0].GetProperty("labeledPlatforms").EnumerateArray().Select(p => p.GetString()).Order();
        Assert.Equal(["baidu", "qihoo360"], labeled);
    }

    [Fact]
    public async Task The_summary_gives_each_number_its_7_and_90_day_change()
    {
        const string never = "+8613800138202";
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Sales" })).IsSuccessStatusCode);
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + never, new { displayName = "New" })).IsSuccessStatusCode);
        At(Day1.AddDays(-100));
        await LookUpAsync("qihoo360", Clean());
        At(Day1);
        await LookUpAsync("qihoo360", Labeled("sales", "广告推销", 120));

        At(Day1.AddDays(3));
        var summary = await _client.GetFromJsonAsync<JsonElement>("/api/reports/trust");
        Assert.Equal("2026-11-04", summary.GetProperty("asOf").GetString());
        var items = summary.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("number").GetString()!);
        Assert.Equal(46, items[Number].GetProperty("trustScore").GetInt32());
        Assert.Equal(-54, items[Number].GetProperty("change7Day").GetInt32());
        Assert.Equal(-54, items[Number].GetProperty("change90Day").GetInt32());
        Assert.False(items[never].TryGetProperty("trustScore", out _));

        At(Day1.AddDays(8));
        var later = (await _client.GetFromJsonAsync<JsonElement>("/api/reports/trust")).GetProperty("items")[0];
        Assert.Equal(0, later.GetProperty("change7Day").GetInt32());
        Assert.Equal(-54, later.GetProperty("change90Day").GetInt32());

        var paged = await _client.GetFromJsonAsync<JsonElement>("/api/reports/trust?pageSize=1");
        Assert.Single(paged.GetProperty("items").EnumerateArray());
        var next = await _client.GetFromJsonAsync<JsonElement>("/api/reports/trust?pageSize=1&continuationToken=" + Uri.EscapeDataString(paged.GetProperty("continuationToken").GetString()!));
        Assert.Equal(never, next.GetProperty("items")[0].GetProperty("number").GetString());
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/reports/trust?pageSize=0"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/numbers/{Number}/trust?from=2026-11-09&to=2026-11-01"), HttpStatusCode.BadRequest);
        using var other = await _api.TenantAsync();
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/numbers/{Number}/trust"), HttpStatusCode.NotFound);
    }
}

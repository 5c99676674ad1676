using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// <c>POST/GET /api/numbers/{number}/call-stats</c> through the local host over Azurite: validation, idempotent days, the dates'
/// time zones, and the answer-rate drop detector on synthetic series (expected episode days worked out by hand and by an
/// independent script, not by the code under test).
/// </summary>
public sealed class CallStatsApiTests : IAsyncLifetime
{
    // The host's clock reads about 2026-12-01T12:00Z (real time shifted), so "the future" is a fixed line for the tests.
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ShiftedClock _clock = new() { Offset = Now - DateTimeOffset.UtcNow };
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["Upkeep:AnswerRate:MinCalls"] = "70" },
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

    private async Task RegisterAsync(string number) =>
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Hotline" })).IsSuccessStatusCode);

    /// <summary>Consecutive days from <paramref name="start"/>, each with the same outcomes.</summary>
    private static IEnumerable<object> Days(DateOnly start, int count, int attempted, int answered) =>
        Enumerable.Range(0, count).Select(i => (object)new { date = start.AddDays(i).ToString("yyyy-MM-dd"), attempted, answered });

    private async Task<JsonElement> PostAsync(string number, IEnumerable<object> days)
    {
        using var response = await _client.PostAsJsonAsync($"/api/numbers/{number}/call-stats", days.ToArray());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<JsonElement> InvalidAsync(string number, object body)
    {
        using var response = await _client.PostAsJsonAsync($"/api/numbers/{number}/call-stats", body);
        return await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private async Task<List<JsonElement>> DropAlertsAsync()
    {
        var messages = (await _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)
            .Where(a => a.GetProperty("type").GetString() == "upkeep.answer_rate_drop").ToList();
    }

    private static string Since(JsonElement post) => post.GetProperty("trend").GetProperty("dropSince").GetString()!;

    /// <summary>A string property, or null when the API left it out (nulls are not written).</summary>
    private static string? Text(JsonElement json, string name) => json.TryGetProperty(name, out var value) ? value.GetString() : null;

    [Fact]
    public async Task Bad_batches_are_400_naming_the_element_and_field()
    {
        const string n = "+8613800138101";
        await RegisterAsync(n);

        var errors = (await InvalidAsync(n, new object[]
        {
            new { date = "2026-11-01", attempted = 10, answered = 11 },
            new { date = "2026-11-02", attempted = -1, answered = 0 },
            new { date = "2026-12-03", attempted = 1, answered = 1 },
            new { date = "2026-11-01", attempted = 1, answered = 1 },
            new { attempted = 1, answered = 1 },
            new { date = "2026-11-05", answered = 1 },
            new { date = "01/11/2026", attempted = 1, answered = 1 },
        })).GetProperty("errors");
        Assert.Contains("cannot exceed", errors.GetProperty("[0].answered")[0].GetString());
        Assert.Contains("from 0", errors.GetProperty("[1].attempted")[0].GetString());
        Assert.Contains("future", errors.GetProperty("[2].date")[0].GetString());
        Assert.Contains("twice", errors.GetProperty("[3].date")[0].GetString());
        Assert.Contains("required", errors.GetProperty("[4].date")[0].GetString());
        Assert.Contains("required", errors.GetProperty("[5].attempted")[0].GetString());
        Assert.Contains("not a date", errors.GetProperty("[6].date")[0].GetString());

        var tooMany = await InvalidAsync(n, Days(new DateOnly(2025, 1, 1), 401, 1, 1).ToArray());
        Assert.Contains("400", tooMany.GetProperty("errors").GetProperty("body")[0].GetString());
        await InvalidAsync(n, Array.Empty<object>());
        using var notJson = await _client.PostAsync($"/api/numbers/{n}/call-stats", new StringContent("[{\"date\":", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(notJson, HttpStatusCode.BadRequest);
        using var wrongType = await _client.PostAsync($"/api/numbers/{n}/call-stats", new StringContent("x", Encoding.UTF8, "application/xml"));
        await ProblemAssert.IsProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType);

        // Nothing of a refused batch is stored.
        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{n}/call-stats?from=2026-11-01&to=2026-11-30");
        Assert.Empty(view.GetProperty("days").EnumerateArray());
    }

    [Fact]
    public async Task Csv_bulk_form_stores_days_and_reports_bad_lines_by_line_number()
    {
        const string n = "+8613800138102";
        await RegisterAsync(n);

        using var bad = await _client.PostAsync($"/api/numbers/{n}/call-stats",
            new StringContent("date,attempted,answered\n2026-11-01,10,5\n2026-11-02,10,12\n", Encoding.UTF8, "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.Contains("cannot exceed", problem.GetProperty("errors").GetProperty("line 3.answered")[0].GetString());
        using var noHeader = await _client.PostAsync($"/api/numbers/{n}/call-stats", new StringContent("day,calls\n2026-11-01,10\n", Encoding.UTF8, "text/csv"));
        Assert.Contains("attempted", (await ProblemAssert.IsProblemAsync(noHeader, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("line 1")[0].GetString());

        using var ok = await _client.PostAsync($"/api/numbers/{n}/call-stats",
            new StringContent("\uFEFFAnswered,Date,Attempted\r\n5,2026-11-01,10\r\n\r\n9,2026-11-02,12\r\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetInt32());

        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{n}/call-stats?from=2026-11-01&to=2026-11-02");
        var days = view.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-11-01", "2026-11-02"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal(0.5m, days[0].GetProperty("answerRate").GetDecimal());
        Assert.Equal(0.75m, days[1].GetProperty("answerRate").GetDecimal());
        Assert.Equal(22, view.GetProperty("trend").GetProperty("calls7Day").GetInt64());
        Assert.Equal(0.6364m, view.GetProperty("trend").GetProperty("rate7Day").GetDecimal()); // 14 / 22
    }

    [Fact]
    public async Task The_API_is_tenant_scoped_and_needs_a_key()
    {
        const string n = "+8613800138103";
        await RegisterAsync(n);
        await PostAsync(n, Days(new DateOnly(2026, 11, 1), 3, 10, 5));

        using var other = await _api.TenantAsync();
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/numbers/{n}/call-stats"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await other.PostAsJsonAsync($"/api/numbers/{n}/call-stats", Days(new DateOnly(2026, 11, 1), 1, 1, 1).ToArray()), HttpStatusCode.NotFound);
        using var anonymous = _api.CreateClient();
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync($"/api/numbers/{n}/call-stats"), HttpStatusCode.Unauthorized);

        // Once the other tenant registers the number, it gets a series of its own.
        Assert.True((await other.PutAsJsonAsync("/api/numbers/" + n, new { displayName = "Theirs" })).IsSuccessStatusCode);
        var theirs = await other.GetFromJsonAsync<JsonElement>($"/api/numbers/{n}/call-stats?from=2026-11-01&to=2026-11-30");
        Assert.Empty(theirs.GetProperty("days").EnumerateArray());
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/numbers/{n}/call-stats?from=2026-11-30&to=2026-11-01"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/numbers/{n}/call-stats?to=2026-13-01"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_day_is_the_calendar_day_as_written_in_its_own_offset_and_a_repost_replaces_it()
    {
        const string n = "+8613800138104";
        await RegisterAsync(n);

        await PostAsync(n, [new { date = "2026-11-30T23:30:00+08:00", attempted = 10, answered = 5 }]);
        await PostAsync(n, [new { date = "2026-11-30", attempted = 20, answered = 10 }]);
        // 2026-11-30T23:30-05:00 is 1 December in UTC, but the call centre's day is 30 November.
        var last = await PostAsync(n, [new { date = "2026-11-30T23:30:00-05:00", attempted = 40, answered = 30 }]);
        Assert.Equal("2026-11-30", last.GetProperty("trend").GetProperty("asOf").GetString());

        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{n}/call-stats?from=2026-11-29&to=2026-12-01");
        var day = Assert.Single(view.GetProperty("days").EnumerateArray());
        Assert.Equal("2026-11-30", day.GetProperty("date").GetString());
        Assert.Equal(40, day.GetProperty("attempted").GetInt64());
        Assert.Equal(30, day.GetProperty("answered").GetInt64());

        // At 12:00 UTC on 1 December it is already 2 December in UTC+14, so that day may be posted; 3 December may not.
        await PostAsync(n, [new { date = "2026-12-02", attempted = 1, answered = 1 }]);
        await InvalidAsync(n, new[] { new { date = "2026-12-03", attempted = 1, answered = 1 } });
        Assert.Contains("future", (await InvalidAsync(n, new[] { new { date = "2026-12-01T23:00:00+08:00", attempted = 1, answered = 1 } }))
            .GetProperty("errors").GetProperty("[0].date")[0].GetString());
        // A time without an offset names no calendar day.
        await InvalidAsync(n, new[] { new { date = "2026-11-30T10:00:00", attempted = 1, answered = 1 } });
    }

    [Fact]
    public async Task A_drop_raises_one_event_per_episode_and_scans_the_number_on_every_platform()
    {
        const string n = "+8613800138105";
        await RegisterAsync(n);
        var start = new DateOnly(2026, 10, 1);

        var steady = await PostAsync(n, Days(start, 35, 100, 80));
        Assert.False(steady.GetProperty("trend").GetProperty("inDrop").GetBoolean());
        Assert.Equal(0.8m, steady.GetProperty("trend").GetProperty("rate7Day").GetDecimal());
        Assert.Null(Text(steady, "scanId"));

        // 7 days at 50 %: with k of them in the 7-day window the rate is 80 − 30k/7, at least 10 points under from k = 3 (7 November).
        var drop = await PostAsync(n, Days(start.AddDays(35), 7, 100, 50));
        Assert.Equal("2026-11-07", Since(drop));
        Assert.Equal(0.5m, drop.GetProperty("trend").GetProperty("rate7Day").GetDecimal());
        Assert.Equal(0.8m, drop.GetProperty("trend").GetProperty("baseline28Day").GetDecimal());
        var scanId = drop.GetProperty("scanId").GetString()!;

        var still = await PostAsync(n, Days(start.AddDays(42), 3, 100, 50));
        Assert.Equal("2026-11-07", Since(still));
        Assert.Null(Text(still, "raisedEventId"));

        var alert = Assert.Single(await DropAlertsAsync());
        Assert.Equal(n, alert.GetProperty("number").GetString());
        Assert.False(string.IsNullOrEmpty(alert.GetProperty("tenantId").GetString()));
        Assert.Equal("2026-11-07", alert.GetProperty("data").GetProperty("since").GetString());
        Assert.Equal(scanId, alert.GetProperty("data").GetProperty("scanId").GetString());

        var run = await _client.GetFromJsonAsync<JsonElement>("/api/scans/" + scanId);
        Assert.Equal(n, run.GetProperty("number").GetString());
        Assert.Equal(2, run.GetProperty("totalJobs").GetInt32());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((_source.CallsFor(n, "qihoo360") == 0 || _source.CallsFor(n, "baidu") == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(_source.CallsFor(n, "qihoo360") > 0 && _source.CallsFor(n, "baidu") > 0, "the scan looked the number up on both platforms");
    }

    [Fact]
    public async Task Recovery_then_a_second_drop_raises_again_day_by_day()
    {
        const string n = "+8613800138106";
        await RegisterAsync(n);
        // 35 days at 80 %, 7 at 30 %, 7 at 80 %, 7 at 30 % from 1 September: drop on 7 October (2 low days in the window),
        // recovery on 19 October (the window is all 80 % again, within 5 points of the first baseline), second drop on 23 October.
        var series = Days(new DateOnly(2026, 9, 1), 35, 100, 80).Concat(Days(new DateOnly(2026, 10, 6), 7, 100, 30))
            .Concat(Days(new DateOnly(2026, 10, 13), 7, 100, 80)).Concat(Days(new DateOnly(2026, 10, 20), 7, 100, 30)).ToList();
        var states = new List<(string Date, bool InDrop, string? Raised)>();
        foreach (var day in series)
        {
            var post = await PostAsync(n, [day]);
            var trend = post.GetProperty("trend");
            states.Add((trend.GetProperty("asOf").GetString()!, trend.GetProperty("inDrop").GetBoolean(),
                Text(post, "raisedEventId")));
        }

        Assert.Equal(["2026-10-07", "2026-10-23"], states.Where(s => s.Raised is not null).Select(s => s.Date));
        Assert.Equal("2026-10-19", states.SkipWhile(s => !s.InDrop).First(s => !s.InDrop).Date);
        var alerts = await DropAlertsAsync();
        Assert.Equal(["2026-10-07", "2026-10-23"], alerts.Select(a => a.GetProperty("data").GetProperty("since").GetString()));
        Assert.Equal(2, alerts.Select(a => a.GetProperty("eventId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Too_few_calls_say_nothing_and_both_thresholds_count_when_met_exactly()
    {
        // MinCalls is 70 in this host; DropPoints 10 (the default).
        const string tooFew = "+8613800138107", exactCalls = "+8613800138108", exactPoints = "+8613800138109", justUnder = "+8613800138110";
        foreach (var n in new[] { tooFew, exactCalls, exactPoints, justUnder })
        {
            await RegisterAsync(n);
        }

        var start = new DateOnly(2026, 10, 1);
        // 9 calls a day: no 7-day window reaches 70 calls, so even a fall to 0 % answered says nothing.
        var few = await PostAsync(tooFew, Days(start, 35, 9, 7).Concat(Days(start.AddDays(35), 7, 9, 0)));
        // 10 calls a day: exactly 70 in the window, and one unanswered day is 11.4 points under 80 %.
        var atCalls = await PostAsync(exactCalls, Days(start, 35, 10, 8).Concat(Days(start.AddDays(35), 7, 10, 0)));
        // 80 % then 70 %: only the full window of 70 % days is 10 points under, exactly the threshold (11 November).
        var atPoints = await PostAsync(exactPoints, Days(start, 35, 100, 80).Concat(Days(start.AddDays(35), 7, 100, 70)));
        // One day at 71 % instead: 490 + 1 of 700 is 9.86 points under.
        var under = await PostAsync(justUnder, Days(start, 35, 100, 80).Concat(Days(start.AddDays(35), 6, 100, 70)).Concat(Days(start.AddDays(41), 1, 100, 71)));

        Assert.False(few.GetProperty("trend").GetProperty("inDrop").GetBoolean());
        Assert.Equal(63, few.GetProperty("trend").GetProperty("calls7Day").GetInt64());
        Assert.Equal("2026-11-05", Since(atCalls));
        Assert.Equal("2026-11-11", Since(atPoints));
        Assert.False(under.GetProperty("trend").GetProperty("inDrop").GetBoolean());
        Assert.Equal([exactCalls, exactPoints], (await DropAlertsAsync()).Select(a => a.GetProperty("number").GetString()));
    }

    [Fact]
    public async Task Reposted_days_replace_their_row_and_never_raise_an_episode_twice()
    {
        const string n = "+8613800138111";
        await RegisterAsync(n);
        var start = new DateOnly(2026, 10, 1);
        var series = Days(start, 35, 100, 80).Concat(Days(start.AddDays(35), 7, 100, 50)).ToList();

        var first = await PostAsync(n, series);
        Assert.Equal("2026-11-07", Since(first));
        var again = await PostAsync(n, series);
        Assert.Equal("2026-11-07", Since(again));
        Assert.Null(Text(again, "raisedEventId"));
        Assert.Null(Text(again, "scanId"));
        Assert.Single(await DropAlertsAsync());

        // A correction of one day replaces it: one row for the day, the new counts in the rates.
        var corrected = await PostAsync(n, [new { date = "2026-11-11", attempted = 200, answered = 200 }]);
        Assert.Equal(800, corrected.GetProperty("trend").GetProperty("calls7Day").GetInt64());
        Assert.Equal(0.625m, corrected.GetProperty("trend").GetProperty("rate7Day").GetDecimal()); // (6 × 50 + 200) / 800
        Assert.Equal("2026-11-07", Since(corrected));
        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{n}/call-stats?from=2026-11-11&to=2026-11-11");
        var day = Assert.Single(view.GetProperty("days").EnumerateArray());
        Assert.Equal(200, day.GetProperty("attempted").GetInt64());
        Assert.Equal(1m, day.GetProperty("answerRate").GetDecimal());
        Assert.Single(await DropAlertsAsync());
    }
}

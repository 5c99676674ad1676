using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

/// <summary>
/// Peak windows through the running host: the planner's cadence around a window, and the background pull-forward after a save.
/// The host's clock is shifted so numbers can be registered "40 days ago" (past the daily new-number period) and the planner can
/// run inside and after a window; timers stay real, so the host's queue workers run as in production.
/// </summary>
public sealed class PeakWindowSchedulingTests
{
    private static readonly TimeSpan RegisteredAgo = TimeSpan.FromDays(40);

    private readonly ShiftedClock _clock = new();

    /// <param name="cacheDuration">
    /// The planner's window cache; the pull-forward after a save waits this long (plus a few seconds) before it starts.
    /// </param>
    private async Task<ApiFactory> StartAsync(TimeSpan cacheDuration) =>
        await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["Scanning:PeakWindowCacheDuration"] = cacheDuration.ToString("c", CultureInfo.InvariantCulture) },
            services => services.AddSingleton<TimeProvider>(_clock));

    private static DateTimeOffset Minute(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static string Iso(DateTimeOffset instant) => instant.ToString("o", CultureInfo.InvariantCulture);

    private async Task RegisterLongAgoAsync(HttpClient client, string number, string cadence = "auto")
    {
        _clock.Offset = -RegisteredAgo;
        try
        {
            var put = await client.PutAsJsonAsync($"/api/numbers/{number}", new { cadence });
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        finally
        {
            _clock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>Runs the planner (as its queue function would) for every shard, for everything due up to the host's now.</summary>
    private async Task PlanAsync(ApiFactory api)
    {
        var planner = api.Services.GetRequiredService<ScanPlanner>();
        var now = _clock.GetUtcNow();
        for (var shard = 0; shard < DueIndex.Shards; shard++)
        {
            var plan = new PlanShardMessage(PlanShardMessage.CurrentVersion, shard, DateTimeOffset.UnixEpoch, now, now);
            await planner.PlanShardAsync(new QueueMessageContext($"plan-{shard}", QueueMessageJson.Serialize(plan), 1, null), CancellationToken.None);
        }
    }

    /// <summary>
    /// The number's due time, after checking the index holds exactly one entry for it, that the entry belongs to the chain the facts
    /// name, and that the chain's position (what the pull-forward reads) is that entry.
    /// </summary>
    private static async Task<DateTimeOffset> DueAtAsync(ApiFactory api, string e164)
    {
        var storage = api.Services.GetRequiredService<StorageAccount>();
        var facts = await api.Services.GetRequiredService<NumberStore>().FactsAsync(e164, CancellationToken.None);
        var entries = new List<DueEntryEntity>();
        await foreach (var entry in storage.Table(TableNames.ScanSchedule).QueryAsync<DueEntryEntity>(TableClient.CreateQueryFilter($"RowKey eq {e164}")))
        {
            entries.Add(entry);
        }

        var single = Assert.Single(entries);
        Assert.Equal(single.ChainId(), facts?.DuePartition);
        Assert.Equal(single.PartitionKey, await new ScheduleChains(storage).CurrentPartitionAsync(e164, facts!.DuePartition!, CancellationToken.None));
        return single.DueAt;
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual, TimeSpan? tolerance = null)
    {
        var slack = tolerance ?? TimeSpan.FromSeconds(1);
        Assert.True((actual - expected).Duration() <= slack, $"expected {expected:o} (±{slack}), got {actual:o}");
    }

    private static async Task<HttpResponseMessage> PutWindowsAsync(HttpClient client, params (DateTimeOffset Start, DateTimeOffset End)[] windows)
    {
        var response = await client.PutAsJsonAsync("/api/peak-windows", new { windows = windows.Select(w => new { start = Iso(w.Start), end = Iso(w.End) }) });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response;
    }

    /// <summary>Messages in the pull-forward queue, the ones not visible yet (delayed, or being handled) included.</summary>
    private static async Task<int> PendingPullsAsync(ApiFactory api) =>
        (await api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.SchedulePulls).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Waits until the pull-forward queue is empty: every page has been handled (messages leave the queue when done).</summary>
    private static async Task WaitForPullsAsync(ApiFactory api)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await PendingPullsAsync(api) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the pull-forward did not finish");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_planner_scans_daily_inside_a_window_and_weekly_after_it_and_never_skips_its_start()
    {
        // A long cache keeps the background pull-forward of the save out of this test, which moves the clock itself.
        await using var api = await StartAsync(TimeSpan.FromMinutes(10));
        using var client = await api.TenantAsync();
        await RegisterLongAgoAsync(client, "13800138100");
        const string number = "+8613800138100";
        var t1 = _clock.GetUtcNow();
        var start = Minute(t1.AddDays(1));
        var end = start.AddDays(2);
        await PutWindowsAsync(client, (start, end));

        // Before the window: weekly would be a week out, but the next scan is when the window opens.
        await PlanAsync(api);
        AssertNear(start, await DueAtAsync(api, number));

        // Inside the window: daily, counted from when the scan was due (planning a minute late does not shift the schedule).
        _clock.Offset = start.AddMinutes(1) - t1;
        await PlanAsync(api);
        var daily = await DueAtAsync(api, number);
        AssertNear(start + CadencePolicy.Daily, daily);

        // After the window: weekly again, from the last due time; a planner that was down for longer than that counts from now.
        _clock.Offset = end.AddMinutes(1) - t1;
        await PlanAsync(api);
        var weekly = await DueAtAsync(api, number);
        AssertNear(daily + CadencePolicy.Weekly, weekly);
        _clock.Offset = weekly.AddDays(8) - t1;
        var late = _clock.GetUtcNow();
        await PlanAsync(api);
        AssertNear(late + CadencePolicy.Weekly, await DueAtAsync(api, number), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Saving_windows_pulls_numbers_scheduled_a_week_out_forward_to_the_window_start_page_by_page()
    {
        await using var api = await StartAsync(TimeSpan.Zero);
        using var client = await api.TenantAsync();
        using var other = await api.TenantAsync();
        var auto = Enumerable.Range(0, 130).Select(i => $"+86139000{i:D5}").ToList();
        _clock.Offset = -RegisteredAgo;
        var csv = "number,cadence\n" + string.Join("\n", auto.Select(n => n + ",auto")) + "\n+8613900099998,weekly\n";
        var import = await client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(131, (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        _clock.Offset = TimeSpan.Zero;
        await RegisterLongAgoAsync(other, "13900099999");
        var planned = _clock.GetUtcNow();
        await PlanAsync(api);
        var weekOut = await DueAtAsync(api, auto[0]);
        AssertNear(planned + CadencePolicy.Weekly, weekOut, TimeSpan.FromSeconds(30));

        var start = Minute(planned.AddDays(2));
        await PutWindowsAsync(client, (start, start.AddDays(1)));

        var deadline = DateTime.UtcNow.AddSeconds(90);
        var numbers = api.Services.GetRequiredService<NumberStore>();
        foreach (var number in auto)
        {
            while ((await numbers.FactsAsync(number, CancellationToken.None))!.DuePartition != DueIndex.PartitionFor(number, start))
            {
                Assert.True(DateTime.UtcNow < deadline, $"{number} was not pulled forward");
                await Task.Delay(200);
            }
        }

        await WaitForPullsAsync(api);
        foreach (var number in auto)
        {
            AssertNear(start, await DueAtAsync(api, number));
        }

        // A number the tenant scans weekly by choice keeps its schedule, and so does another tenant's number.
        AssertNear(weekOut, await DueAtAsync(api, "+8613900099998"), TimeSpan.FromSeconds(30));
        AssertNear(weekOut, await DueAtAsync(api, "+8613900099999"), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_window_that_is_already_on_pulls_numbers_forward_to_now_and_the_planner_then_scans_them_daily()
    {
        await using var api = await StartAsync(TimeSpan.Zero);
        using var client = await api.TenantAsync();
        await RegisterLongAgoAsync(client, "13800138101");
        const string number = "+8613800138101";
        await PlanAsync(api);
        var saved = _clock.GetUtcNow();
        Assert.True(await DueAtAsync(api, number) > saved.AddDays(6));

        await PutWindowsAsync(client, (saved.AddHours(-1), saved.AddDays(1)));
        var numbers = api.Services.GetRequiredService<NumberStore>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (string.CompareOrdinal(DueIndex.BucketOf((await numbers.FactsAsync(number, CancellationToken.None))!.DuePartition!), DueIndex.Bucket(_clock.GetUtcNow())) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the number was not pulled forward");
            await Task.Delay(200);
        }

        await WaitForPullsAsync(api);
        var pulled = await DueAtAsync(api, number);
        AssertNear(saved, pulled, TimeSpan.FromSeconds(90));
        await PlanAsync(api);
        AssertNear(pulled + CadencePolicy.Daily, await DueAtAsync(api, number));
    }

    [Fact]
    public async Task The_pull_forward_follows_the_latest_save()
    {
        await using var api = await StartAsync(TimeSpan.Zero);
        using var client = await api.TenantAsync();
        await RegisterLongAgoAsync(client, "13800138102");
        await RegisterLongAgoAsync(client, "13800138103");
        await PlanAsync(api);
        var weekOut = await DueAtAsync(api, "+8613800138103");
        var now = _clock.GetUtcNow();
        var later = Minute(now.AddDays(3));

        await PutWindowsAsync(client, (Minute(now.AddDays(2)), Minute(now.AddDays(4))));
        await PutWindowsAsync(client, (later, later.AddDays(1)));
        Assert.Equal(2, await PendingPullsAsync(api));
        await WaitForPullsAsync(api);

        AssertNear(later, await DueAtAsync(api, "+8613800138102"));
        AssertNear(later, await DueAtAsync(api, "+8613800138103"));
        Assert.True(weekOut > later);
    }

    [Fact]
    public async Task Clearing_the_windows_before_the_pull_forward_starts_leaves_schedules_alone()
    {
        await using var api = await StartAsync(TimeSpan.Zero);
        using var client = await api.TenantAsync();
        await RegisterLongAgoAsync(client, "13800138104");
        const string number = "+8613800138104";
        await PlanAsync(api);
        var weekOut = await DueAtAsync(api, number);
        var now = _clock.GetUtcNow();

        await PutWindowsAsync(client, (now.AddDays(2), now.AddDays(3)));
        Assert.Equal(1, await PendingPullsAsync(api));
        await PutWindowsAsync(client);
        Assert.Equal(1, await PendingPullsAsync(api)); // an empty list has nothing to pull forward to
        await WaitForPullsAsync(api);

        AssertNear(weekOut, await DueAtAsync(api, number), TimeSpan.Zero);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/peak-windows")).GetProperty("windows").EnumerateArray());
    }
}

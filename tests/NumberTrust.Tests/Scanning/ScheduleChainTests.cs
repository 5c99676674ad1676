using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
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
/// Schedule chains: the planner moves a number's due entry forward without writing its facts row, stays exact under redelivery
/// and crashes between its writes, and drops the entries of a chain that was restarted.
/// </summary>
public sealed class ScheduleChainTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360");
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
                ["AzureWebJobs.LookupLabel.Disabled"] = "true", // planned jobs stay queued, for the test to count
                ["Scanning:PoisonedPlanRetryDelay"] = "00:00:01",
            },
            services => services.AddSingleton<ILabelSource>(_source));
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    private ScanPlanner Planner => _api.Services.GetRequiredService<ScanPlanner>();

    private async Task RegisterAsync(string national)
    {
        var put = await _client.PutAsJsonAsync($"/api/numbers/{national}", new { platforms = new[] { "qihoo360" } });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    /// <summary>The plan message the queue function gets for the number's shard: everything due up to <paramref name="at"/>.</summary>
    private static QueueMessageContext Plan(string number, DateTimeOffset at, string id = "plan") =>
        new(id, QueueMessageJson.Serialize(new PlanShardMessage(PlanShardMessage.CurrentVersion, DueIndex.ShardOf(number), DateTimeOffset.UnixEpoch, at, at)), 1, null);

    private async Task<List<DueEntryEntity>> EntriesAsync(string number)
    {
        var entries = new List<DueEntryEntity>();
        await foreach (var entry in Storage.Table(TableNames.ScanSchedule).QueryAsync<DueEntryEntity>(TableClient.CreateQueryFilter($"RowKey eq {number}")))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private async Task<TableEntity> FactsRowAsync(string number) =>
        (await Storage.Table(TableNames.Numbers).GetEntityAsync<TableEntity>(number, NumberFactsEntity.Row)).Value;

    private async Task<List<LookupJobMessage>> QueuedJobsAsync(string number)
    {
        var peeked = (await Storage.Queue(QueueNames.Lookups).PeekMessagesAsync(32)).Value;
        return peeked.Select(m => QueueMessageJson.Deserialize<LookupJobMessage>(BinaryData.FromString(m.Body.ToString()), LookupJobMessage.CurrentVersion)).Where(j => j.Number == number).ToList();
    }

    [Fact]
    public async Task The_planner_moves_the_entry_a_day_on_without_writing_the_facts_row_and_records_the_chains_position()
    {
        const string number = "+8613800138201";
        await RegisterAsync("13800138201");
        var anchor = Assert.Single(await EntriesAsync(number));
        var factsBefore = await FactsRowAsync(number);
        Assert.Null(anchor.Chain);
        Assert.Equal(anchor.PartitionKey, factsBefore.GetString(nameof(NumberFactsEntity.DuePartition)));

        var at = anchor.DueAt.AddSeconds(30);
        await Planner.PlanShardAsync(Plan(number, at), CancellationToken.None);

        var next = Assert.Single(await EntriesAsync(number));
        Assert.Equal(anchor.DueAt + CadencePolicy.Daily, next.DueAt); // a new number is daily, counted from when it was due
        Assert.Equal(anchor.PartitionKey, next.Chain);
        Assert.Equal(factsBefore.ETag, (await FactsRowAsync(number)).ETag);
        var position = (await Storage.Table(TableNames.ScanPositions).GetEntityAsync<DuePositionEntity>(DueIndex.PositionPartition(number), number)).Value;
        Assert.Equal((anchor.PartitionKey, next.PartitionKey, next.DueAt), (position.Chain, position.DuePartition, position.DueAt));
        Assert.Equal(next.PartitionKey, await new ScheduleChains(Storage).CurrentPartitionAsync(number, anchor.PartitionKey, CancellationToken.None));
        Assert.Single(await QueuedJobsAsync(number));

        // The next day's plan moves it again, still on the same chain and still without touching the facts.
        await Planner.PlanShardAsync(Plan(number, next.DueAt.AddMinutes(1), "plan-2"), CancellationToken.None);
        var third = Assert.Single(await EntriesAsync(number));
        Assert.Equal(next.DueAt + CadencePolicy.Daily, third.DueAt);
        Assert.Equal(anchor.PartitionKey, third.Chain);
        Assert.Equal(factsBefore.ETag, (await FactsRowAsync(number)).ETag);
        Assert.Equal(2, (await QueuedJobsAsync(number)).Count);
    }

    [Fact]
    public async Task A_plan_redelivered_after_a_crash_between_its_writes_lands_on_the_same_next_entry()
    {
        const string number = "+8613800138202";
        await RegisterAsync("13800138202");
        var anchor = Assert.Single(await EntriesAsync(number));
        var plan = Plan(number, anchor.DueAt.AddSeconds(20));
        await Planner.PlanShardAsync(plan, CancellationToken.None);
        var next = Assert.Single(await EntriesAsync(number));

        // The first delivery crashed after writing the next entry and before deleting the old one: the old entry is still there.
        await Storage.Table(TableNames.ScanSchedule).UpsertEntityAsync(
            new DueEntryEntity { PartitionKey = anchor.PartitionKey, RowKey = number, DueAt = anchor.DueAt, Region = anchor.Region, NumberType = anchor.NumberType },
            TableUpdateMode.Replace);
        await Task.Delay(1500); // the redelivery comes later: its next due time must come from the message, not the clock
        await Planner.PlanShardAsync(plan with { DequeueCount = 2 }, CancellationToken.None);

        var again = Assert.Single(await EntriesAsync(number));
        Assert.Equal((next.PartitionKey, next.DueAt, next.Chain), (again.PartitionKey, again.DueAt, again.Chain));
        var jobs = await QueuedJobsAsync(number);
        Assert.Equal(2, jobs.Count);
        Assert.Single(jobs.Select(j => j.JobId).Distinct()); // the same job twice: the worker records it once
    }

    [Fact]
    public async Task Entries_of_a_restarted_chain_are_dropped_when_met_and_a_rewritten_entry_is_not_deleted()
    {
        const string number = "+8613800138203";
        await RegisterAsync("13800138203");
        var anchor = Assert.Single(await EntriesAsync(number));
        await Planner.PlanShardAsync(Plan(number, anchor.DueAt.AddSeconds(20)), CancellationToken.None);
        var stale = Assert.Single(await EntriesAsync(number));

        // The schedule restarts two hours on (as a pull-forward does): a new first entry, the facts pointed at it.
        var restart = new DueEntryEntity
        {
            PartitionKey = DueIndex.PartitionFor(number, anchor.DueAt.AddHours(2)), RowKey = number, DueAt = anchor.DueAt.AddHours(2),
            Region = anchor.Region, NumberType = anchor.NumberType,
        };
        await Storage.Table(TableNames.ScanSchedule).UpsertEntityAsync(restart, TableUpdateMode.Replace);
        await Storage.Table(TableNames.Numbers).UpdateEntityAsync(
            new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = restart.PartitionKey }, ETag.All, TableUpdateMode.Merge);
        Assert.Equal(restart.PartitionKey, await new ScheduleChains(Storage).CurrentPartitionAsync(number, restart.PartitionKey, CancellationToken.None));

        // One plan covers both: the restarted chain's entry is planned, the older chain's entry is dropped without a job.
        var jobsBefore = (await QueuedJobsAsync(number)).Count;
        await Planner.PlanShardAsync(Plan(number, stale.DueAt.AddMinutes(1), "plan-2"), CancellationToken.None);
        var current = Assert.Single(await EntriesAsync(number));
        Assert.Equal(restart.PartitionKey, current.Chain);
        Assert.Equal(restart.DueAt + CadencePolicy.Daily, current.DueAt);
        Assert.Equal(jobsBefore + 1, (await QueuedJobsAsync(number)).Count);
    }

    [Fact]
    public async Task A_next_entry_that_lands_on_the_row_of_a_stale_entry_in_the_same_page_survives_its_delete()
    {
        const string number = "+8613800138205";
        await RegisterAsync("13800138205");
        var registered = Assert.Single(await EntriesAsync(number));
        var minute = new DateTimeOffset(registered.DueAt.UtcDateTime.Date.AddDays(3).AddHours(10), TimeSpan.Zero);
        var schedule = Storage.Table(TableNames.ScanSchedule);

        // A stale entry of an older chain at 10:00:40, and the current chain's first entry exactly a day earlier, so its next
        // entry (daily: a new number) is the same row.
        var stale = new DueEntryEntity
        {
            PartitionKey = DueIndex.PartitionFor(number, minute), RowKey = number, DueAt = minute.AddSeconds(40),
            Region = registered.Region, NumberType = registered.NumberType, Chain = "00|199001010000",
        };
        var first = new DueEntryEntity
        {
            PartitionKey = DueIndex.PartitionFor(number, stale.DueAt - CadencePolicy.Daily), RowKey = number, DueAt = stale.DueAt - CadencePolicy.Daily,
            Region = registered.Region, NumberType = registered.NumberType,
        };
        await schedule.UpsertEntityAsync(stale, TableUpdateMode.Replace);
        await schedule.UpsertEntityAsync(first, TableUpdateMode.Replace);
        await Storage.Table(TableNames.Numbers).UpdateEntityAsync(
            new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = first.PartitionKey }, ETag.All, TableUpdateMode.Merge);

        // One page holds all three; the plan is at 10:00:10, so the stale entry's minute is in range.
        await Planner.PlanShardAsync(Plan(number, minute.AddSeconds(10)), CancellationToken.None);

        var left = Assert.Single(await EntriesAsync(number));
        Assert.Equal((stale.PartitionKey, stale.DueAt, first.PartitionKey), (left.PartitionKey, left.DueAt, left.Chain));
        Assert.Single(await QueuedJobsAsync(number)); // only the current chain's entry made a job
    }

    [Fact]
    public async Task A_number_nobody_watches_any_more_leaves_the_schedule()
    {
        const string number = "+8613800138204";
        await RegisterAsync("13800138204");
        var anchor = Assert.Single(await EntriesAsync(number));
        var paused = await _client.PutAsJsonAsync("/api/numbers/13800138204", new { platforms = new[] { "qihoo360" }, cadence = "paused" });
        Assert.True(paused.IsSuccessStatusCode, await paused.Content.ReadAsStringAsync());

        await Planner.PlanShardAsync(Plan(number, anchor.DueAt.AddSeconds(20)), CancellationToken.None);

        Assert.Empty(await EntriesAsync(number));
        Assert.Empty(await QueuedJobsAsync(number));
        Assert.Null((await _api.Services.GetRequiredService<NumberStore>().FactsAsync(number, CancellationToken.None))!.DuePartition);

        // Watched again: the schedule starts again with a first scan now.
        var resumed = await _client.PutAsJsonAsync("/api/numbers/13800138204", new { platforms = new[] { "qihoo360" }, cadence = "auto" });
        Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
        var restarted = Assert.Single(await EntriesAsync(number));
        Assert.InRange(restarted.DueAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(restarted.PartitionKey, (await _api.Services.GetRequiredService<NumberStore>().FactsAsync(number, CancellationToken.None))!.DuePartition);
    }

    [Fact]
    public async Task A_poisoned_plan_is_planned_again_later_so_its_entries_are_not_left_behind_the_watermark()
    {
        const string number = "+8613800138205";
        await RegisterAsync("13800138205");
        var anchor = Assert.Single(await EntriesAsync(number));
        var at = anchor.DueAt.AddSeconds(20);
        var poisoned = Plan(number, at);

        // The host's scan-plans-poison listener gets this after the plan failed maxDequeueCount times; here it is handed over directly.
        var sent = DateTimeOffset.UtcNow;
        await Planner.HandlePoisonAsync(poisoned, CancellationToken.None);

        var status = (await Storage.Table(TableNames.ScheduleStatus).GetEntityAsync<TableEntity>("planner", $"poisoned-{DueIndex.ShardOf(number):D2}")).Value;
        Assert.Equal(1, status.GetInt32("Retries"));
        Assert.Equal(at, status.GetDateTimeOffset("To"));
        Assert.InRange(status.GetDateTimeOffset("RetryAt")!.Value, sent.AddSeconds(0.5), DateTimeOffset.UtcNow.AddSeconds(1.5));

        // The retry becomes visible after the delay and the host's PlanScanShard listener plans it: the number gets its job and moves on.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        List<DueEntryEntity> entries;
        while ((entries = await EntriesAsync(number)).Any(e => e.PartitionKey == anchor.PartitionKey) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var next = Assert.Single(entries);
        Assert.Equal(anchor.DueAt + CadencePolicy.Daily, next.DueAt);
        Assert.Single(await QueuedJobsAsync(number));

        // Poisoned again: the wait doubles and the count goes on; the message carries the count.
        var again = QueueMessageJson.Serialize(
            QueueMessageJson.Deserialize<PlanShardMessage>(poisoned.Body, PlanShardMessage.CurrentVersion) with { Retries = 1 });
        sent = DateTimeOffset.UtcNow;
        await Planner.HandlePoisonAsync(new QueueMessageContext("plan-again", again, 1, null), CancellationToken.None);
        status = (await Storage.Table(TableNames.ScheduleStatus).GetEntityAsync<TableEntity>("planner", $"poisoned-{DueIndex.ShardOf(number):D2}")).Value;
        Assert.Equal(2, status.GetInt32("Retries"));
        Assert.InRange(status.GetDateTimeOffset("RetryAt")!.Value, sent.AddSeconds(1.5), DateTimeOffset.UtcNow.AddSeconds(2.5));

        // An unreadable poison message has nothing to plan: it is dropped (logged), not retried and not thrown.
        await Planner.HandlePoisonAsync(new QueueMessageContext("junk", BinaryData.FromString("{not json"), 1, null), CancellationToken.None);
        await Planner.HandlePoisonAsync(new QueueMessageContext("old", BinaryData.FromString("""{"version":99,"shard":1}"""), 1, null), CancellationToken.None);
        Assert.Equal(2, (await Storage.Table(TableNames.ScheduleStatus).GetEntityAsync<TableEntity>("planner", $"poisoned-{DueIndex.ShardOf(number):D2}")).Value.GetInt32("Retries"));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

/// <summary>
/// A tick plans its 16 shards in <c>Scanning:PlannerShardsInFlight</c> chains: it enqueues the first shard of each chain, and each
/// shard plan enqueues the next of its chain when done. The host's planner listener is disabled here, so the test drives the
/// scan-plans queue itself and sees every message.
/// </summary>
public sealed class ShardChainTests : IAsyncLifetime
{
    private const int Chains = 3;
    private readonly ScriptedLabelSource _source = new("qihoo360");
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
                ["AzureWebJobs.PlanScanShard.Disabled"] = "true",
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
                ["Scanning:PlannerShardsInFlight"] = Chains.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            services => services.AddSingleton<ILabelSource>(_source));
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    private ScanPlanner Planner => _api.Services.GetRequiredService<ScanPlanner>();

    /// <summary>Registers one number in every shard (the first national number from 13800139000 on that hashes to it).</summary>
    private async Task<Dictionary<int, string>> OneNumberPerShardAsync()
    {
        var numbers = new Dictionary<int, string>();
        for (var n = 13800139000L; numbers.Count < DueIndex.Shards; n++)
        {
            var number = $"+86{n}";
            if (numbers.TryAdd(DueIndex.ShardOf(number), number))
            {
                var put = await _client.PutAsJsonAsync($"/api/numbers/{n}", new { platforms = new[] { "qihoo360" } });
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }
        }

        return numbers;
    }

    private async Task<List<QueueMessage>> ReceivePlansAsync()
    {
        var messages = (await Storage.Queue(QueueNames.ScanPlans).ReceiveMessagesAsync(32)).Value;
        return messages.ToList();
    }

    private static PlanShardMessage Read(QueueMessage message) =>
        QueueMessageJson.Deserialize<PlanShardMessage>(message.Body, PlanShardMessage.CurrentVersion);

    private async Task<int> QueuedJobsAsync(string number)
    {
        var jobs = 0;
        foreach (var message in (await Storage.Queue(QueueNames.Lookups).PeekMessagesAsync(32)).Value)
        {
            jobs += QueueMessageJson.Deserialize<LookupJobMessage>(BinaryData.FromString(message.Body.ToString()), LookupJobMessage.CurrentVersion).Number == number ? 1 : 0;
        }

        return jobs;
    }

    private async Task<DueEntryEntity> EntryAsync(string number)
    {
        var entries = new List<DueEntryEntity>();
        await foreach (var entry in Storage.Table(TableNames.ScanSchedule).QueryAsync<DueEntryEntity>(TableClient.CreateQueryFilter($"RowKey eq {number}")))
        {
            entries.Add(entry);
        }

        return Assert.Single(entries);
    }

    [Fact]
    public async Task A_tick_starts_one_plan_per_chain_and_each_plan_enqueues_the_next_shard_of_its_chain_until_all_16_are_planned()
    {
        var numbers = await OneNumberPerShardAsync();
        var registered = new Dictionary<string, DateTimeOffset>();
        foreach (var number in numbers.Values)
        {
            registered[number] = (await EntryAsync(number)).DueAt;
        }

        await Planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow.AddMinutes(1), false, null, DateTimeOffset.UtcNow), CancellationToken.None);

        var batch = await ReceivePlansAsync();
        var first = batch.Select(Read).OrderBy(p => p.Shard).ToList();
        Assert.Equal([0, 1, 2], first.Select(p => p.Shard));
        Assert.Equal([3, 4, 5], first.Select(p => p.Next));
        Assert.Single(first.Select(p => (p.From, p.To, p.PlannedAt)).Distinct());

        // Drive the queue as the listener would: plan each message, then delete it. Shards come one chain step at a time.
        var planned = new List<PlanShardMessage>();
        while (batch.Count > 0)
        {
            Assert.True(planned.Count <= DueIndex.Shards, "the chains did not end");
            foreach (var message in batch)
            {
                var plan = Read(message);
                Assert.Equal(plan.Shard + Chains < DueIndex.Shards ? plan.Shard + Chains : null, plan.Next);
                await Planner.PlanShardAsync(new QueueMessageContext(message.MessageId, message.Body, 1, null), CancellationToken.None);
                await Storage.Queue(QueueNames.ScanPlans).DeleteMessageAsync(message.MessageId, message.PopReceipt);
                planned.Add(plan);
            }

            batch = await ReceivePlansAsync();
        }

        Assert.Equal(Enumerable.Range(0, DueIndex.Shards), planned.Select(p => p.Shard).Order());
        Assert.Single(planned.Select(p => (p.From, p.To, p.PlannedAt)).Distinct());
        foreach (var (shard, number) in numbers)
        {
            Assert.True(await QueuedJobsAsync(number) == 1, $"shard {shard}: {number} has no lookup job");
            Assert.Equal(registered[number] + CadencePolicy.Daily, (await EntryAsync(number)).DueAt);
        }
    }

    [Fact]
    public async Task A_redelivered_plan_enqueues_its_successor_again_and_the_copy_plans_nothing_twice()
    {
        var numbers = await OneNumberPerShardAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var plan = new PlanShardMessage(PlanShardMessage.CurrentVersion, 4, DateTimeOffset.UnixEpoch, at, at, Next: 6);
        var context = new QueueMessageContext("plan-4", QueueMessageJson.Serialize(plan), 1, null);

        await Planner.PlanShardAsync(context, CancellationToken.None);
        await Planner.PlanShardAsync(context with { DequeueCount = 2 }, CancellationToken.None); // the lease ran out before the delete

        var successors = (await ReceivePlansAsync()).Select(Read).ToList();
        Assert.Equal(2, successors.Count);
        Assert.All(successors, s => Assert.Equal((6, 8, at, at, DateTimeOffset.UnixEpoch), (s.Shard, s.Next!.Value, s.To, s.PlannedAt, s.From)));
        Assert.Equal(1, await QueuedJobsAsync(numbers[4]));

        foreach (var successor in successors)
        {
            await Planner.PlanShardAsync(new QueueMessageContext("plan-6", QueueMessageJson.Serialize(successor), 1, null), CancellationToken.None);
        }

        Assert.Equal(1, await QueuedJobsAsync(numbers[6]));
        Assert.Equal(0, await QueuedJobsAsync(numbers[5]));
    }

    [Fact]
    public async Task A_poisoned_plan_hands_its_chain_on_at_once_and_its_retry_continues_no_chain()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var plan = new PlanShardMessage(PlanShardMessage.CurrentVersion, 13, DateTimeOffset.UnixEpoch, at, at, Next: 15);

        await Planner.HandlePoisonAsync(new QueueMessageContext("poisoned", QueueMessageJson.Serialize(plan), 5, null), CancellationToken.None);

        // The successor is visible now; the retry only after Scanning:PoisonedPlanRetryDelay (5 minutes by default).
        var visible = Assert.Single(await ReceivePlansAsync());
        Assert.Equal((15, (int?)null, at), (Read(visible).Shard, Read(visible).Next, Read(visible).To));
        var queued = (await Storage.Queue(QueueNames.ScanPlans).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Equal(2, queued);
        var status = (await Storage.Table(TableNames.ScheduleStatus).GetEntityAsync<TableEntity>("planner", "poisoned-13")).Value;
        Assert.Equal(1, status.GetInt32("Retries"));
    }
}

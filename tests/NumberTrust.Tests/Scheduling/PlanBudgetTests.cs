using System.Net;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scheduling;

/// <summary>
/// Every shard-plan invocation is bounded: out of its time budget it hands the rest of its range to a continuation. A plan that
/// needs several budgets, started twice (a timer that fired twice for one occurrence), still plans each number exactly once.
/// </summary>
public sealed class PlanBudgetTests
{
    [Fact]
    public async Task A_plan_larger_than_one_budget_finishes_in_continuations_and_plans_every_number_exactly_once_even_when_ticked_twice()
    {
        var logs = new LogCapture();
        await using var api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
                ["Scanning:PlanBudget"] = "00:00:00",
                ["Scanning:PlanPageSize"] = "2",
                ["Scanning:PlannerShardsInFlight"] = "16",
                ["Logging:LogLevel:NumberTrust.Scheduling"] = "Information",
            },
            services =>
            {
                services.AddSingleton<ILabelSource>(new ScriptedLabelSource("qihoo360"));
                services.AddLogging(b => b.AddProvider(logs));
            });
        using var tenant = await api.TenantAsync();
        var numbers = Enumerable.Range(0, 60).Select(i => $"+86139{i:D8}").ToList();
        var csv = "number,platforms\n" + string.Join("\n", numbers.Select(n => $"{n},qihoo360"));
        var import = await tenant.PostAsync("/api/numbers/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Contains(numbers.GroupBy(DueIndex.ShardOf), g => g.Count() > 4); // some shard needs three or more budgets

        var planner = api.Services.GetRequiredService<ScanPlanner>();
        var now = DateTimeOffset.UtcNow;
        await Task.WhenAll(
            planner.TickAsync(new TimerTick(now, false, null, now.AddMinutes(1)), CancellationToken.None),
            planner.TickAsync(new TimerTick(now, false, null, now.AddMinutes(1)), CancellationToken.None));

        var storage = api.Services.GetRequiredService<StorageAccount>();
        var jobs = new List<LookupJobMessage>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (jobs.Count < numbers.Count || await PlansLeftAsync(storage))
        {
            Assert.True(DateTime.UtcNow < deadline, $"planning did not finish: {jobs.Count} of {numbers.Count} jobs after 3 minutes");
            jobs.AddRange(await ReceiveJobsAsync(storage));
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // anything planned twice would arrive by now
        jobs.AddRange(await ReceiveJobsAsync(storage));
        Assert.Equal(numbers.Order(StringComparer.Ordinal), jobs.Select(j => j.Number).Order(StringComparer.Ordinal));
        Assert.Equal(jobs.Count, jobs.Select(j => j.JobId).Distinct().Count());
        Assert.True(logs.Count(4004) >= 2, $"expected plans to continue past their budget; {logs.Count(4004)} continuations logged");
    }

    private static async Task<bool> PlansLeftAsync(StorageAccount storage) =>
        (await storage.Queue(QueueNames.ScanPlans).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0;

    private static async Task<List<LookupJobMessage>> ReceiveJobsAsync(StorageAccount storage)
    {
        var jobs = new List<LookupJobMessage>();
        while (true)
        {
            QueueMessage[] batch = (await storage.Queue(QueueNames.Lookups).ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10))).Value;
            if (batch.Length == 0)
            {
                return jobs;
            }

            jobs.AddRange(batch.Select(m => QueueMessageJson.Deserialize<LookupJobMessage>(m.Body, LookupJobMessage.CurrentVersion)));
        }
    }
}

using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Hosting;
using NumberTrust.Local.Queues;
using NumberTrust.Local.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

public sealed class TimerRunnerTests
{
    private static readonly TimerFunction Function = new("Tick", "TickSchedule", (_, _, _) => Task.CompletedTask);

    private static IConfiguration Settings(string? schedule) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TickSchedule"] = schedule }).Build();

    [Fact]
    public void Schedules_come_from_the_named_setting_as_six_field_ncrontab()
    {
        var schedule = TimerSchedules.Resolve(Function, Settings("0 */5 * * * *"));

        Assert.Equal(new DateTime(2026, 1, 1, 0, 5, 0), schedule.GetNextOccurrence(new DateTime(2026, 1, 1, 0, 0, 1)));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("*/5 * * * *", "6-field NCRONTAB")]
    [InlineData("every five minutes", "6-field NCRONTAB")]
    public void Missing_or_invalid_schedules_stop_start_up_with_a_clear_message(string? schedule, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TimerSchedules.Resolve(Function, Settings(schedule)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("TickSchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_missed_while_the_host_was_down_fires_once_as_past_due_then_follows_the_schedule()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build();
        var storage = new StorageAccount(configuration, []);
        var table = storage.Table(TableNames.ScheduleStatus);
        await table.CreateIfNotExistsAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 2, 30, TimeSpan.Zero));
        await table.UpsertEntityAsync(new TableEntity("schedule", "Tick")
        {
            ["Last"] = new DateTimeOffset(2026, 11, 23, 9, 55, 0, TimeSpan.Zero),
            ["Next"] = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        });

        var ticks = new List<TimerTick>();
        var fired = new SemaphoreSlim(0);
        var function = Function with
        {
            Handler = (_, tick, _) =>
            {
                lock (ticks)
                {
                    ticks.Add(tick);
                }

                fired.Release();
                return Task.CompletedTask;
            },
        };
        var runner = new TimerRunner(function, TimerSchedules.Resolve(function, Settings("0 */5 * * * *")), storage, Ready.Storage(), new QueueHostOptions(),
            new ServiceCollection().BuildServiceProvider(), time, NullLogger<TimerRunner>.Instance);

        await runner.StartAsync(CancellationToken.None);
        Assert.True(await fired.WaitAsync(TimeSpan.FromSeconds(30)), "the missed run fires at start-up");
        await WaitForSavedNextAsync(table, new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero));
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(30));
        Assert.True(await fired.WaitAsync(TimeSpan.FromSeconds(30)), "the next scheduled run fires");
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(2, ticks.Count);
        Assert.True(ticks[0].IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), ticks[0].ScheduledAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 55, 0, TimeSpan.Zero), ticks[0].Last);
        Assert.False(ticks[1].IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), ticks[1].ScheduledAt);
    }

    private static async Task WaitForSavedNextAsync(TableClient table, DateTimeOffset next)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var status = await table.GetEntityIfExistsAsync<TableEntity>("schedule", "Tick");
            if (status.HasValue && status.Value!.GetDateTimeOffset("Next") == next)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The schedule status never recorded next = {next:o}.");
    }

    [Fact]
    public async Task A_delay_that_ends_a_little_early_does_not_fire_the_same_occurrence_twice()
    {
        var storage = new StorageAccount(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build(), []);
        var ticks = new List<TimerTick>();
        var function = Function with
        {
            Handler = (_, tick, _) =>
            {
                lock (ticks)
                {
                    ticks.Add(tick);
                }

                return Task.CompletedTask;
            },
        };
        var runner = new TimerRunner(function, TimerSchedules.Resolve(function, Settings("* * * * * *")), storage, Ready.Storage(), new QueueHostOptions(),
            new ServiceCollection().BuildServiceProvider(), new EarlyTimers(), NullLogger<TimerRunner>.Instance);

        await runner.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await runner.StopAsync(CancellationToken.None);

        lock (ticks)
        {
            Assert.InRange(ticks.Count, 2, 5);
            Assert.Equal(ticks.Count, ticks.Select(t => t.ScheduledAt).Distinct().Count());
            Assert.All(ticks, t => Assert.Equal(0, t.ScheduledAt.Millisecond));
        }
    }

    /// <summary>The system clock, with timers that fire 30 ms before they are due (as a coarse timer can).</summary>
    private sealed class EarlyTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime > TimeSpan.FromMilliseconds(40) ? dueTime - TimeSpan.FromMilliseconds(30) : dueTime, period);
    }
}

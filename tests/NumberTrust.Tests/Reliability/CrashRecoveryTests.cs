using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Simulator;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NumberTrust.Tests.Reliability;

/// <summary>
/// Runs the local host as a real process, kills it with SIGKILL at random points of a 5,000-job scan and restarts it each time.
/// Every job must end done, unknown or failed with a reason; no job is lost; no history row or event row is duplicated, and every
/// event reaches the alerts queue under its stable id.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Numbers = 2_500;
    private const int Kills = 5;
    private static readonly string[] Platforms = [SimulatedPlatforms.Qihoo360, SimulatedPlatforms.Baidu];

    [Fact]
    public async Task Killing_the_host_at_random_points_loses_no_job_and_duplicates_nothing()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        var labeled = new HashSet<(string Number, string Platform)>();
        for (var i = 0; i < Numbers; i++)
        {
            var number = $"+86137{i:D8}";
            simulator.Script(SimulatedPlatforms.Qihoo360, number, i % 2 == 0 ? NumberScript.Labeled("骚扰电话", i) : NumberScript.Clean());
            simulator.Script(SimulatedPlatforms.Baidu, number, i % 3 == 0 ? NumberScript.Labeled("广告推销", i, "百度手机卫士") : NumberScript.Clean());
            if (i % 2 == 0)
            {
                labeled.Add((number, SimulatedPlatforms.Qihoo360));
            }

            if (i % 3 == 0)
            {
                labeled.Add((number, SimulatedPlatforms.Baidu));
            }
        }

        // Its own emulator: the shared one also serves the other test classes, and one of them importing 10,000 rows at the same
        // time held this run's queues for minutes on a loaded box (no job settled for 3 minutes, nothing was lost).
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
        var connection = azurite.ConnectionString;
        var prefix = Azurite.NewPrefix();
        var port = AzuriteProcess.FreePort();
        var environment = LocalHostProcess.Environment(connection, prefix, port, simulator);
        environment["Queues__VisibilityTimeout"] = "00:00:00.200";
        environment["Queues__ProcessingLease"] = "00:00:04";
        environment["Queues__MaxPollingInterval"] = "00:00:02";
        // On Azurite every idle poll re-sorts every message held (5,000 jobs here), so an idle listener takes CPU from the run.
        environment["AzureWebJobs.ReplanPoisonedShard.Disabled"] = "true";
        // This test reads the alerts queue itself to check every event id arrived.
        environment["AzureWebJobs.DispatchAlert.Disabled"] = "true";
        // A job rescheduled by an overloaded adapter (timeouts while the box also runs the other test classes) backs off 5 s,
        // 10 s, 20 s, ... up to an hour in production; capped here so a job waiting out its back-off is not mistaken for a lost one.
        environment["Scanning__MaxBackoff"] = "00:00:10";
        foreach (var platform in Platforms)
        {
            environment[$"Platforms__{platform}__RequestsPerSecond"] = "2000";
            environment[$"Platforms__{platform}__MaxConcurrency"] = "16";
            environment[$"Platforms__{platform}__MaxQueuedLookups"] = "100000";
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        var host = await StartHostAsync(environment, http);
        try
        {
            await LocalHostProcess.UseNewTenantAsync(http, "crash");
            var csv = "number,platforms\n" + string.Join("\n", Enumerable.Range(0, Numbers).Select(i => $"+86137{i:D8},{string.Join(';', Platforms)}"));
            var import = await (await http.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Numbers, import.GetProperty("imported").GetInt32());

            var location = (await http.PostAsync("/api/scans", null)).Headers.Location!.OriginalString;
            for (var kill = 1; kill <= Kills; kill++)
            {
                await Task.Delay(random.Next(2000, 9000));
                var progress = await TryGetRunAsync(http, location);
                output.WriteLine($"kill {kill}: {(progress is { } p ? p.GetProperty("platforms") : "(no answer in time)")}");
                await host.DisposeAsync();
                host = await StartHostAsync(environment, http);
            }

            // A lost job shows as a run that stops moving: fail after 3 minutes without any job settling (leases are 4 s and
            // back-offs at most 10 s here), or after 30 minutes in all. A slow box only makes the run take longer.
            JsonElement run = default;
            var deadline = DateTime.UtcNow.AddMinutes(30);
            var settled = -1;
            var lastProgress = DateTime.UtcNow;
            do
            {
                await Task.Delay(1000);
                if (await TryGetRunAsync(http, location) is not { } answer)
                {
                    // A box busy with the run (and other test classes) may answer late: that is no sign of a lost job.
                    Assert.True(DateTime.UtcNow < deadline, $"the run never finished after {Kills} kills: {run}");
                    continue;
                }

                run = answer;
                var now = run.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("done").GetInt32() + p.GetProperty("unknown").GetInt32() + p.GetProperty("failed").GetInt32());
                if (now != settled)
                {
                    (settled, lastProgress) = (now, DateTime.UtcNow);
                }

                Assert.True(DateTime.UtcNow - lastProgress < TimeSpan.FromMinutes(3),
                    $"no job settled for 3 minutes after {Kills} kills: {run}\nhost output (last 40 lines):\n{string.Join('\n', host.Lines.TakeLast(40))}");
                Assert.True(DateTime.UtcNow < deadline, $"the run never finished after {Kills} kills: {run}");
            }
            while (run.ValueKind != JsonValueKind.Object || !run.GetProperty("finished").GetBoolean());

            output.WriteLine($"finished: {run.GetProperty("platforms")}");
            await AssertNothingLostOrDuplicatedAsync(run, connection, prefix, labeled);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private async Task AssertNothingLostOrDuplicatedAsync(JsonElement run, string connection, string prefix, HashSet<(string Number, string Platform)> labeled)
    {
        Assert.False(run.TryGetProperty("failure", out var failure) && failure.ValueKind == JsonValueKind.String, $"the run gave up: {run}");
        Assert.Equal(Numbers * Platforms.Length, run.GetProperty("totalJobs").GetInt32());
        var platforms = run.GetProperty("platforms").EnumerateArray().ToList();
        Assert.Equal(0, platforms.Sum(p => p.GetProperty("queued").GetInt32()));
        Assert.Equal(Numbers * Platforms.Length, platforms.Sum(p => p.GetProperty("done").GetInt32() + p.GetProperty("unknown").GetInt32() + p.GetProperty("failed").GetInt32()));
        Assert.All(run.GetProperty("problems").EnumerateArray(), p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("detail").GetString())));

        var storage = new StorageAccount(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection, ["Storage:Prefix"] = prefix }).Build(), []);
        var numbers = storage.Table(TableNames.Numbers);
        var history = new List<TableEntity>();
        await foreach (var row in numbers.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"hist|"} and RowKey lt {"hist}"}")))
        {
            history.Add(row);
        }

        var duplicateHistory = history.GroupBy(h => (h.PartitionKey, h.GetString("Platform"))).Where(g => g.Count() > 1).ToList();
        Assert.True(duplicateHistory.Count == 0, $"duplicated history: {string.Join(", ", duplicateHistory.Take(5).Select(g => g.Key))}");
        Assert.Equal(Numbers * Platforms.Length, history.Count + platforms.Sum(p => p.GetProperty("unknown").GetInt32() + p.GetProperty("failed").GetInt32()));

        var events = new List<TableEntity>();
        await foreach (var row in numbers.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"event|"} and RowKey lt {"event}"}")))
        {
            events.Add(row);
        }

        Assert.All(events.GroupBy(e => (e.PartitionKey, e.GetString("Platform"), e.GetString("Type"))), g => Assert.Single(g));
        var labeledStates = 0;
        foreach (var (number, platform) in labeled)
        {
            var state = await numbers.GetEntityIfExistsAsync<TableEntity>(number, LabelStateEntity.RowFor(platform));
            if (state.HasValue && state.Value!.GetString("State") == "Labeled")
            {
                labeledStates++;
                Assert.Single(events, e => e.PartitionKey == number && e.GetString("Platform") == platform && e.GetString("Type") == "NewLabel");
            }
            else
            {
                Assert.NotEqual("Clean", state.HasValue ? state.Value!.GetString("State") : null);
            }
        }

        Assert.True(events.All(e => e.GetBoolean("Dispatched") == true), "every event is dispatched");
        var delivered = new List<string>();
        var alerts = storage.Queue(QueueNames.Alerts);
        while (true)
        {
            var batch = (await alerts.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                break;
            }

            delivered.AddRange(batch.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("eventId").GetString()!));
        }

        var ids = events.Select(e => e.GetString("EventId")!).ToHashSet();
        Assert.True(ids.SetEquals(delivered), $"{ids.Except(delivered).Count()} events never delivered, {delivered.Except(ids).Count()} unknown ids delivered");
        output.WriteLine($"{history.Count} history rows, {events.Count} events, {labeledStates} labeled states, {delivered.Count - ids.Count} redeliveries of the same event id after kills");
    }

    /// <summary>The run's progress, or null when the host did not answer within a minute.</summary>
    private static async Task<JsonElement?> TryGetRunAsync(HttpClient http, string location)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            return await http.GetFromJsonAsync<JsonElement>(location, timeout.Token);
        }
        catch (Exception e) when (e is TaskCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<LocalHostProcess> StartHostAsync(Dictionary<string, string> environment, HttpClient http)
    {
        var host = LocalHostProcess.Start(environment);
        await host.WaitHealthyAsync(http, TimeSpan.FromSeconds(60));
        return host;
    }
}

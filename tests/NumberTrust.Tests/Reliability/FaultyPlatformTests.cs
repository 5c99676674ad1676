using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Simulator;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Reliability;

/// <summary>
/// The pipeline against a simulator that fails 30 % of requests with every kind of fault: no Clean is ever recorded for a number
/// the platform labels, retries stay bounded, and every job ends done, unknown or failed with a reason.
/// </summary>
public sealed class FaultyPlatformTests
{
    private const int Numbers = 120;
    private static readonly string[] Platforms = [SimulatedPlatforms.Qihoo360, SimulatedPlatforms.Baidu, SimulatedPlatforms.Sogou];

    private static readonly FaultKind[] Kinds =
    [
        FaultKind.Latency, FaultKind.RateLimited, FaultKind.ServerError, FaultKind.ConnectionReset, FaultKind.ResetMidBody,
        FaultKind.Hang, FaultKind.Captcha, FaultKind.Blocked, FaultKind.Truncated, FaultKind.Garbled, FaultKind.Empty,
        FaultKind.UnknownLayout,
    ];

    [Fact]
    public async Task Thirty_percent_faults_never_produce_a_false_clean_and_every_job_ends()
    {
        await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions { Seed = 7 }, CancellationToken.None);
        var settings = simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var platform in Platforms)
        {
            settings[$"Platforms:{platform}:Timeout"] = "00:00:03";
            settings[$"Platforms:{platform}:AttemptTimeout"] = "00:00:01";
            settings[$"Platforms:{platform}:RetryDelay"] = "00:00:00.050";
            settings[$"Platforms:{platform}:RequestsPerSecond"] = "1000";
            settings[$"Platforms:{platform}:MaxConcurrency"] = "16";
            settings[$"Platforms:{platform}:BreakDuration"] = "00:00:01";
            foreach (var kind in Kinds)
            {
                simulator.InjectFault(platform, new FaultSpec(kind, Probability: 0.3 / Kinds.Length, RetryAfter: TimeSpan.FromMilliseconds(200), Latency: TimeSpan.FromMilliseconds(50)));
            }
        }

        settings["Scanning:MaxReschedules"] = "2";
        settings["Scanning:MaxBackoff"] = "00:00:01";
        var labeled = new HashSet<(string, string)>();
        for (var i = 0; i < Numbers; i++)
        {
            var number = $"+86139{i:D8}";
            foreach (var platform in Platforms)
            {
                if ((i + platform.Length) % 3 == 0)
                {
                    simulator.Script(platform, number, NumberScript.Labeled("诈骗电话", 10 + i));
                    labeled.Add((number, platform));
                }
                else
                {
                    simulator.Script(platform, number, NumberScript.Clean());
                }
            }
        }

        await using var api = await ApiFactory.StartAsync(settings, realPlatforms: true);
        using var client = await api.TenantAsync();
        var csv = "number,platforms\n" + string.Join("\n", Enumerable.Range(0, Numbers).Select(i => $"+86139{i:D8},{string.Join(';', Platforms)}"));
        await client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var post = await client.PostAsync("/api/scans", null);
        JsonElement run;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        do
        {
            await Task.Delay(500);
            run = await client.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString);
            Assert.True(DateTime.UtcNow < deadline, $"the faulty run did not finish: {run}");
        }
        while (!run.GetProperty("finished").GetBoolean());

        var jobs = Numbers * Platforms.Length;
        var counts = run.GetProperty("platforms").EnumerateArray().Select(p => (
            Done: p.GetProperty("done").GetInt32(), Unknown: p.GetProperty("unknown").GetInt32(), Failed: p.GetProperty("failed").GetInt32())).ToList();
        Assert.Equal(jobs, counts.Sum(c => c.Done + c.Unknown + c.Failed));
        Assert.True(counts.Sum(c => c.Unknown) > 0, "30 % faults must leave some lookups unknown");
        Assert.All(run.GetProperty("problems").EnumerateArray(), p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("detail").GetString())));

        var storage = api.Services.GetRequiredService<StorageAccount>();
        var falseCleans = new List<string>();
        var missedLabels = 0;
        foreach (var (number, platform) in labeled)
        {
            var state = await storage.Table(TableNames.Numbers).GetEntityIfExistsAsync<TableEntity>(number, LabelStateEntity.RowFor(platform));
            var value = state.HasValue ? state.Value!.GetString("State") : null;
            if (value == "Clean")
            {
                falseCleans.Add($"{number}@{platform}");
            }

            missedLabels += value == "Labeled" ? 0 : 1;
        }

        Assert.Empty(falseCleans);
        Assert.True(missedLabels < labeled.Count / 2, $"{missedLabels} of {labeled.Count} labels unread: faults are 30 %, retries should recover most");

        // Bounded retries: per job at most (1 + MaxRetries) attempts per lookup and (1 + MaxReschedules) lookups.
        var requests = Platforms.Sum(p => simulator.RequestCount(p));
        Assert.True(requests <= jobs * 3 * 3, $"{requests} platform requests for {jobs} jobs");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Platforms;
using NumberTrust.Simulator;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NumberTrust.Tests.Platforms;

/// <summary>A platform's rate holds across instances: send slots are claimed from one ledger row in Table Storage.</summary>
public sealed class SharedPacingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Claims_of_two_instances_never_overlap()
    {
        var storage = await StorageAsync();
        var ledgers = new[] { new TablePacingLedger(storage, TimeProvider.System), new TablePacingLedger(storage, TimeProvider.System) };
        var interval = TimeSpan.FromMilliseconds(100);
        var now = DateTimeOffset.UtcNow;

        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var count = 1 + (i % 5);
            var first = await ledgers[i % 2].ClaimAsync("qihoo360", count, interval, now, CancellationToken.None);
            return (First: first, End: first + count * interval, Count: count);
        }));

        var ordered = claims.OrderBy(c => c.First).ToList();
        Assert.True(ordered[0].First >= now);
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].First >= ordered[i - 1].End, $"claim {ordered[i].First:O} starts inside the one ending {ordered[i - 1].End:O}");
        }

        // Every slot claimed is used: claims follow each other without gaps.
        Assert.Equal(now + claims.Sum(c => c.Count) * interval, ordered[^1].End);
        // Each platform has its own row: another platform's first claim starts at once.
        Assert.Equal(now, await ledgers[1].ClaimAsync("baidu", 1, interval, now, CancellationToken.None));
    }

    [Fact]
    public async Task Pacers_of_two_instances_together_keep_one_rate()
    {
        var storage = await StorageAsync();
        var pacers = Enumerable.Range(0, 2).Select(_ => new SharedRequestPacing(
            new TablePacingLedger(storage, TimeProvider.System), "baidu", 10, TimeSpan.FromSeconds(1), 100, TimeProvider.System, NullLogger.Instance)).ToList();

        var started = DateTimeOffset.UtcNow;
        var sent = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            Assert.Null(await pacers[i % 2].WaitTurnAsync(CancellationToken.None));
            return DateTimeOffset.UtcNow;
        }));

        var log = sent.Order().ToList();
        output.WriteLine(string.Join(", ", log.Select(t => $"{(t - started).TotalMilliseconds:0}")));
        // 30 sends at 10/s take 2.9 s in all however the two instances share them; one instance alone would allow 20/s.
        Assert.True(log[^1] - started >= TimeSpan.FromMilliseconds(2_600), $"30 sends took {(log[^1] - started).TotalMilliseconds:0} ms");
        // Two pacers each at 10/s on their own would send 40 in 2 s; a loaded box may delay a send or two into the next window.
        var most = MaxInWindow(log, TimeSpan.FromSeconds(2));
        Assert.True(most <= 2 * 10 + 4, $"at most 20 + 4 in any 2 seconds, saw {most}");
    }

    [Fact]
    public async Task Three_local_hosts_together_send_at_most_the_configured_rate()
    {
        const int numbers = 48;
        const int rate = 4;
        await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        for (var i = 0; i < numbers; i++)
        {
            simulator.Script(SimulatedPlatforms.Qihoo360, $"+86137{i:D8}", NumberScript.Clean());
        }

        var connection = await Azurite.ConnectionStringAsync();
        var prefix = Azurite.NewPrefix();
        var ports = Enumerable.Range(0, 3).Select(_ => AzuriteProcess.FreePort()).ToList();
        var hosts = new List<LocalHostProcess>();
        var clients = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}"), Timeout = TimeSpan.FromMinutes(2) }).ToList();
        try
        {
            for (var h = 0; h < 3; h++)
            {
                var environment = LocalHostProcess.Environment(connection, prefix, ports[h], simulator);
                environment["Queues__MaxPollingInterval"] = "00:00:01";
                environment["Platforms__qihoo360__RequestsPerSecond"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
                environment["Platforms__qihoo360__MaxConcurrency"] = "4";
                environment["Platforms__qihoo360__UserAgent"] = $"host-{h}";
                var host = LocalHostProcess.Start(environment);
                hosts.Add(host);
                await host.WaitHealthyAsync(clients[h], TimeSpan.FromSeconds(90));
            }

            var http = clients[0];
            await LocalHostProcess.UseNewTenantAsync(http, "pace");
            var csv = "number,platforms\n" + string.Join("\n", Enumerable.Range(0, numbers).Select(i => $"+86137{i:D8},qihoo360"));
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode);

            var location = (await http.PostAsync("/api/scans", null)).Headers.Location!.OriginalString;
            var deadline = DateTime.UtcNow.AddMinutes(5);
            JsonElement run;
            do
            {
                await Task.Delay(1000);
                run = await http.GetFromJsonAsync<JsonElement>(location);
                Assert.True(DateTime.UtcNow < deadline, $"the scan did not finish in 5 minutes: {run}");
            }
            while (!run.GetProperty("finished").GetBoolean());

            var log = simulator.RequestLog(SimulatedPlatforms.Qihoo360);
            var byHost = simulator.RequestsByUserAgent(SimulatedPlatforms.Qihoo360);
            output.WriteLine($"{log.Count} requests in {(log[^1] - log[0]).TotalSeconds:0.0} s; by host: {string.Join(", ", byHost.Select(h => $"{h.Key} {h.Value}"))}");
            Assert.True(log.Count >= numbers);
            Assert.True(byHost.Count >= 2, "the lookups were shared by more than one host process");
            // Three hosts at 4/s each would send 36 in 3 s; together they keep 4/s. Arrivals are stamped in this (loaded) process, so
            // a window of 3 s with 4 to spare, not 1 s with 1: a send or two delayed into the next second is no burst.
            var most = MaxInWindow(log, TimeSpan.FromSeconds(3));
            Assert.True(most <= 3 * rate + 4, $"at most {3 * rate} + 4 in any 3 seconds, saw {most}");
            Assert.True(log[^1] - log[0] >= TimeSpan.FromSeconds((log.Count - 1) / (double)rate * 0.85), $"{log.Count} requests took {(log[^1] - log[0]).TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<StorageAccount> StorageAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build();
        var storage = new StorageAccount(configuration, []);
        return storage;
    }

    private static int MaxInWindow(IReadOnlyList<DateTimeOffset> log, TimeSpan window) =>
        log.Count == 0 ? 0 : log.Select((start, i) => log.Skip(i).TakeWhile(t => t - start < window).Count()).Max();
}

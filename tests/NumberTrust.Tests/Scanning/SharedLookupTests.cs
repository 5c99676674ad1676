using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Simulator;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

/// <summary>
/// On-demand scans of one number and platform share one lookup (concurrent ones through the claim row, later ones within the
/// freshness window), through the local host against the platform simulator, which counts every request it gets.
/// </summary>
public sealed class SharedLookupTests : IAsyncLifetime
{
    private static readonly string[] Platforms = [SimulatedPlatforms.Qihoo360, SimulatedPlatforms.Baidu];
    private readonly ShiftedClock _clock = new();
    private PlatformSimulator _simulator = null!;
    private ApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        var settings = _simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var platform in SimulatedPlatforms.BuiltIn)
        {
            settings[$"Platforms:{platform}:Timeout"] = "00:00:03";
            settings[$"Platforms:{platform}:AttemptTimeout"] = "00:00:01";
        }

        settings["Lookups:SharedFreshness"] = "00:02:00";
        settings["Lookups:ClaimPollInterval"] = "00:00:00.100";
        settings["Lookups:FreshScansPerWindow"] = "2";
        _api = await ApiFactory.StartAsync(settings, services => services.AddSingleton<TimeProvider>(_clock), realPlatforms: true);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private async Task<HttpClient> WatcherAsync(string number)
    {
        var client = await _api.TenantAsync();
        using var put = await client.PutAsJsonAsync("/api/numbers/" + number, new { platforms = Platforms });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return client;
    }

    private static Task<JsonElement> ScanAsync(HttpClient client, string number, object? body = null) =>
        RunScanAsync(client, $"/api/numbers/{number}/scans", body);

    private static async Task<JsonElement> RunScanAsync(HttpClient client, string path, object? body)
    {
        using var post = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        Assert.True(HttpStatusCode.Accepted == post.StatusCode, await post.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString);
            if (run.GetProperty("finished").GetBoolean())
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"scan did not finish: {run}");
            await Task.Delay(100);
        }
    }

    private static Dictionary<string, JsonElement> JobsOf(JsonElement run) =>
        run.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("platform").GetString()!);

    private Dictionary<string, long> Requests() => Platforms.ToDictionary(p => p, p => _simulator.RequestCount(p));

    private void AssertNewRequests(Dictionary<string, long> before, int expected)
    {
        foreach (var platform in Platforms)
        {
            Assert.True(expected == _simulator.RequestCount(platform) - before[platform],
                $"{platform}: expected {expected} new requests, the simulator saw {_simulator.RequestCount(platform) - before[platform]}");
        }
    }

    [Fact]
    public async Task Five_tenants_scanning_one_number_at_once_cause_one_request_per_platform_and_see_the_same_observation()
    {
        const string number = "+8613800138711";
        _simulator.Script(SimulatedPlatforms.Qihoo360, number, NumberScript.Labeled("诈骗电话", 40));
        _simulator.Script(SimulatedPlatforms.Baidu, number, NumberScript.Clean());
        var tenants = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => WatcherAsync(number)));
        var before = Requests();

        var runs = await Task.WhenAll(tenants.Select(t => ScanAsync(t, number)));

        AssertNewRequests(before, 1);
        foreach (var platform in Platforms)
        {
            var jobs = runs.Select(r => JobsOf(r)[platform]).ToList();
            Assert.All(jobs, j => Assert.Equal("done", j.GetProperty("status").GetString()));
            Assert.Single(jobs, j => !j.GetProperty("shared").GetBoolean());
            Assert.Single(jobs.Select(j => j.GetProperty("observedAt").GetDateTimeOffset()).Distinct());
            Assert.Single(jobs.Select(j => j.GetProperty("detail").GetString()).Distinct());
        }

        Assert.Equal("fraud: 诈骗电话", JobsOf(runs[0])[SimulatedPlatforms.Qihoo360].GetProperty("detail").GetString());
        Assert.Equal("Clean", JobsOf(runs[0])[SimulatedPlatforms.Baidu].GetProperty("detail").GetString());

        // Within the window a later scan sends nothing and shows the observation it was given, with its time.
        var observedAt = JobsOf(runs[0])[SimulatedPlatforms.Qihoo360].GetProperty("observedAt").GetDateTimeOffset();
        var again = await ScanAsync(tenants[2], number);
        AssertNewRequests(before, 1);
        Assert.All(JobsOf(again).Values, j => Assert.True(j.GetProperty("shared").GetBoolean()));
        Assert.Equal(observedAt, JobsOf(again)[SimulatedPlatforms.Qihoo360].GetProperty("observedAt").GetDateTimeOffset());

        // Past the window the observation is stale: a new request per platform.
        _clock.Offset += TimeSpan.FromMinutes(3);
        var later = await ScanAsync(tenants[3], number);
        AssertNewRequests(before, 2);
        Assert.All(JobsOf(later).Values, j => Assert.False(j.GetProperty("shared").GetBoolean()));
        Assert.True(JobsOf(later)[SimulatedPlatforms.Qihoo360].GetProperty("observedAt").GetDateTimeOffset() > observedAt);

        // A tenant may ask for a lookup newer than the window.
        var fresh = await ScanAsync(tenants[4], number, new { fresh = true });
        AssertNewRequests(before, 3);
        Assert.All(JobsOf(fresh).Values, j => Assert.False(j.GetProperty("shared").GetBoolean()));
        var aged = await ScanAsync(tenants[4], number, new { maxAgeSeconds = 60 });
        AssertNewRequests(before, 3);
        Assert.All(JobsOf(aged).Values, j => Assert.True(j.GetProperty("shared").GetBoolean()));
    }

    [Fact]
    public async Task An_on_demand_scan_shares_the_observation_of_the_scheduled_lookup()
    {
        const string number = "+8613800138712";
        var tenant = await WatcherAsync(number);
        var worker = _api.Services.GetRequiredService<LookupWorker>();
        foreach (var platform in Platforms)
        {
            var id = Guid.NewGuid().ToString("N");
            var job = new LookupJobMessage(LookupJobMessage.CurrentVersion, id, number, "CN", "Mobile", platform, _clock.GetUtcNow(), RunId: null, Reschedules: 0);
            await worker.RunAsync(new(id, QueueMessageJson.Serialize(job), 1, null), CancellationToken.None);
        }

        var before = Requests();
        var run = await ScanAsync(tenant, number);

        AssertNewRequests(before, 0);
        Assert.All(JobsOf(run).Values, j => Assert.True(j.GetProperty("shared").GetBoolean()));
    }

    [Fact]
    public async Task Fresh_scans_past_the_tenants_quota_get_429_with_retry_after()
    {
        const string number = "+8613800138713";
        var tenant = await WatcherAsync(number);
        var other = await WatcherAsync(number);
        await ScanAsync(tenant, number, new { fresh = true });
        await ScanAsync(tenant, number, new { maxAgeSeconds = 0 });
        var before = Requests();

        using var refused = await tenant.PostAsJsonAsync($"/api/numbers/{number}/scans", new { fresh = true });

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("fresh", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.FromMinutes(50) && retryAfter <= TimeSpan.FromHours(1), $"Retry-After {retryAfter}");
        // The quota is the tenant's: another tenant still gets its fresh lookups, and a shared scan is never refused.
        await ScanAsync(other, number, new { fresh = true });
        AssertNewRequests(before, 1);
        await ScanAsync(tenant, number);
        AssertNewRequests(before, 1);
    }

    [Fact]
    public async Task A_failed_lookup_is_not_shared_and_the_next_scan_asks_the_platform_again()
    {
        const string number = "+8613800138714";
        _simulator.Script(SimulatedPlatforms.Qihoo360, number, NumberScript.Labeled("骚扰电话", 12));
        _simulator.Script(SimulatedPlatforms.Baidu, number, NumberScript.Clean());
        var tenant = await WatcherAsync(number);
        var other = await WatcherAsync(number);
        _simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.Captcha, Count: 1));
        var before = Requests();

        var failed = await ScanAsync(tenant, number);

        var unknown = JobsOf(failed)[SimulatedPlatforms.Qihoo360];
        Assert.Equal("unknown", unknown.GetProperty("status").GetString());
        Assert.DoesNotContain("Clean", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retried = await ScanAsync(other, number);
        Assert.Equal(2, _simulator.RequestCount(SimulatedPlatforms.Qihoo360) - before[SimulatedPlatforms.Qihoo360]);
        var job = JobsOf(retried)[SimulatedPlatforms.Qihoo360];
        Assert.False(job.GetProperty("shared").GetBoolean());
        Assert.Equal("harassment: 骚扰电话", job.GetProperty("detail").GetString());
        // The readable platform's observation is shared as usual.
        Assert.True(JobsOf(retried)[SimulatedPlatforms.Baidu].GetProperty("shared").GetBoolean());
    }

    [Fact]
    public async Task A_tenant_wide_scan_shares_recent_observations_unless_it_asks_for_fresh_ones_within_the_quota()
    {
        const string number = "+8613800138716";
        _simulator.Script(SimulatedPlatforms.Qihoo360, number, NumberScript.Labeled("推销", 12));
        var first = await WatcherAsync(number);
        var second = await WatcherAsync(number);
        var before = Requests();
        await ScanAsync(first, number);
        AssertNewRequests(before, 1);

        // The other tenant's whole-tenant scan is answered from that observation ...
        var shared = await RunScanAsync(second, "/api/scans", body: null);
        Assert.Equal(Platforms.Length, shared.GetProperty("totalJobs").GetInt32());
        AssertNewRequests(before, 1);

        // ... unless it asks for fresh lookups: each job then reads the platform, and the run counts once against the quota.
        await RunScanAsync(second, "/api/scans", new { fresh = true });
        AssertNewRequests(before, 2);
        await RunScanAsync(second, "/api/scans", new { maxAgeSeconds = 0 });
        AssertNewRequests(before, 3);
        using var refused = await second.PostAsJsonAsync("/api/scans", new { fresh = true });
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);

        using var bad = await second.PostAsync("/api/scans", new StringContent("{\"maxAgeSeconds\":\"soon\"}", Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.Contains("maxAgeSeconds", problem.ToString(), StringComparison.Ordinal);
        AssertNewRequests(before, 3);
    }

    [Theory]
    [InlineData("{\"fresh\":\"yes\"}", "fresh")]
    [InlineData("{\"maxAgeSeconds\":-1}", "maxAgeSeconds")]
    [InlineData("{\"maxAgeSeconds\":86401}", "maxAgeSeconds")]
    [InlineData("{\"fresh\":true,\"maxAgeSeconds\":30}", "fresh")]
    [InlineData("{\"freshness\":true}", "freshness")]
    public async Task Bad_scan_options_are_a_400_naming_the_field(string body, string field)
    {
        const string number = "+8613800138715";
        var tenant = await WatcherAsync(number);
        var before = Requests();

        using var post = await tenant.PostAsync($"/api/numbers/{number}/scans", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(post, HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ToString(), StringComparison.Ordinal);
        AssertNewRequests(before, 0);
    }
}

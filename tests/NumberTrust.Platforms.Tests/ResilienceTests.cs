using Microsoft.Extensions.Time.Testing;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

public sealed class ResilienceTests
{
    private static void Breaker(Dictionary<string, string?> s, string platform)
    {
        s[$"Platforms:{platform}:BreakerMinimumThroughput"] = "4";
        s[$"Platforms:{platform}:BreakerFailureRatio"] = "0.5";
        s[$"Platforms:{platform}:BreakerSamplingDuration"] = "00:00:30";
        s[$"Platforms:{platform}:BreakDuration"] = "00:01:00";
    }

    [Fact]
    public async Task Repeated_captchas_open_the_platforms_breaker_and_it_stops_calling_only_that_platform()
    {
        await using var harness = await PlatformHarness.StartAsync(s => Breaker(s, SimulatedPlatforms.Baidu));
        harness.Simulator.InjectFault(SimulatedPlatforms.Baidu, new FaultSpec(FaultKind.Captcha));

        var results = new List<LookupResult>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(await harness.LookupAsync(SimulatedPlatforms.Baidu));
        }

        Assert.Equal(UnknownReason.Captcha, results[0].Reason);
        var open = results.Where(r => r.Reason == UnknownReason.CircuitOpen).ToList();
        Assert.NotEmpty(open);
        Assert.All(open, r => Assert.NotNull(r.RetryAfter));
        Assert.True(harness.Simulator.RequestCount(SimulatedPlatforms.Baidu) < 10, "the breaker should have stopped requests");
        Assert.All(results, r => Assert.Equal(LookupOutcome.Unknown, r.Outcome));

        // Another platform keeps its own, closed breaker.
        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360)).Outcome);
    }

    [Fact]
    public async Task Blocked_pages_also_open_the_breaker_and_it_closes_again_after_the_break()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            Breaker(s, SimulatedPlatforms.Qihoo360);
            s["Platforms:qihoo360:MaxRetries"] = "0";
        }, adapterTime: clock);
        harness.Simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.Blocked, Count: 6));

        LookupResult last = null!;
        for (var i = 0; i < 6; i++)
        {
            last = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);
        }

        Assert.Equal(UnknownReason.CircuitOpen, last.Reason);
        var sent = harness.Simulator.RequestCount(SimulatedPlatforms.Qihoo360);

        harness.Simulator.ClearFaults();
        clock.Advance(TimeSpan.FromMinutes(2));
        var recovered = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);

        Assert.Equal(LookupOutcome.Clean, recovered.Outcome);
        Assert.Equal(sent + 1, harness.Simulator.RequestCount(SimulatedPlatforms.Qihoo360));
    }

    [Fact]
    public async Task The_local_rate_limit_answers_rate_limited_instead_of_queueing_without_bound()
    {
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            s["Platforms:sogou:RequestsPerSecond"] = "0.01";
            s["Platforms:sogou:MaxQueuedLookups"] = "0";
        });

        var first = await harness.LookupAsync(SimulatedPlatforms.Sogou);
        var second = await harness.LookupAsync(SimulatedPlatforms.Sogou);

        Assert.Equal(LookupOutcome.Clean, first.Outcome);
        Assert.Equal(UnknownReason.RateLimited, second.Reason);
        Assert.NotNull(second.RetryAfter);
        Assert.Equal(1, harness.Simulator.RequestCount(SimulatedPlatforms.Sogou));
    }

    [Fact]
    public async Task Concurrency_is_capped_per_platform()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:qihoo360:MaxConcurrency"] = "1");
        harness.Simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.Latency, Latency: TimeSpan.FromMilliseconds(150)));

        var started = DateTimeOffset.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.LookupAsync(SimulatedPlatforms.Qihoo360)));

        Assert.All(results, r => Assert.Equal(LookupOutcome.Clean, r.Outcome));
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(550), "four 150 ms lookups with concurrency 1 run one after another");
    }

    [Fact]
    public async Task Caller_cancellation_is_the_only_exception()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.InjectFault(SimulatedPlatforms.Baidu, new FaultSpec(FaultKind.Hang));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.LookupAsync(SimulatedPlatforms.Baidu, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Disabled_and_unknown_platforms_are_not_configured_and_never_called()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:baidu:Enabled"] = "false");

        var disabled = await harness.LookupAsync(SimulatedPlatforms.Baidu);
        var unknown = await harness.Registry.LookupAsync("no-such-platform", PlatformHarness.CnMobile, CancellationToken.None);

        Assert.Equal(UnknownReason.NotConfigured, disabled.Reason);
        Assert.Equal(UnknownReason.NotConfigured, unknown.Reason);
        Assert.Equal(0, harness.Simulator.RequestCount(SimulatedPlatforms.Baidu));
        Assert.Null(harness.Registry.Find(SimulatedPlatforms.Baidu));
        Assert.DoesNotContain(SimulatedPlatforms.Baidu, harness.Registry.EnabledIds);
    }

    [Fact]
    public async Task Enabled_platforms_for_a_number_follow_their_market()
    {
        await using var harness = await PlatformHarness.StartAsync();

        var china = harness.Registry.EnabledFor(PlatformHarness.CnMobile);
        var us = harness.Registry.EnabledFor(PlatformHarness.UsNumber);

        Assert.Contains(SimulatedPlatforms.Qihoo360, china);
        Assert.DoesNotContain(SimulatedPlatforms.Nomorobo, china);
        Assert.Contains(SimulatedPlatforms.Telnyx, us);
        Assert.Contains(SimulatedPlatforms.Nomorobo, us);
        Assert.DoesNotContain(SimulatedPlatforms.Baidu, us);
        Assert.Equal(1000, harness.Registry.Options(SimulatedPlatforms.Baidu).RequestsPerSecond);
    }
}

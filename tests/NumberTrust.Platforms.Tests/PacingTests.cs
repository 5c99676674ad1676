using NumberTrust.Labels;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

public sealed class PacingTests
{
    [Fact]
    public async Task Requests_to_one_platform_are_evenly_spaced_not_burst()
    {
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            s["Platforms:baidu:RequestsPerSecond"] = "5";
            s["Platforms:baidu:MaxConcurrency"] = "4";
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => harness.LookupAsync(SimulatedPlatforms.Baidu)));

        Assert.All(results, r => Assert.NotEqual(UnknownReason.RateLimited, r.Reason));
        var log = harness.Simulator.RequestLog(SimulatedPlatforms.Baidu);
        Assert.Equal(16, log.Count);
        // Arrivals are stamped in this process: a loaded machine can delay a send or two into the next one's window, so allow
        // RequestsPerSecond + 3 (a token bucket of burst 5 puts 10 into the first second) and check the whole run took its time.
        Assert.True(MaxInAnySecond(log) <= 8, $"at most RequestsPerSecond + 3 in any one-second window, saw {MaxInAnySecond(log)}");
        Assert.True(log[^1] - log[0] >= TimeSpan.FromMilliseconds(15 * 200 * 0.9), $"16 requests at 5/s span 3 s, took {(log[^1] - log[0]).TotalMilliseconds:0} ms");
        var gaps = log.Zip(log.Skip(1), (a, b) => b - a).ToList();
        // 200 ms apart; a loaded machine may delay one send and let the next follow closer, so most gaps, not all, are near it.
        Assert.True(gaps.Count(g => g >= TimeSpan.FromMilliseconds(150)) >= gaps.Count * 0.8,
            "gaps: " + string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0}")));
    }

    [Fact]
    public async Task An_in_pipeline_retry_waits_for_its_own_send_slot()
    {
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            s["Platforms:qihoo360:RequestsPerSecond"] = "2";
            s["Platforms:qihoo360:RetryDelay"] = "00:00:00.001";
        });
        // A first lookup warms the process (JIT, the connection), which on a loaded box delays a first send by hundreds of ms.
        Assert.NotEqual(LookupOutcome.Unknown, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360)).Outcome);
        harness.Simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.ServerError, Count: 1));

        var result = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);

        Assert.NotEqual(LookupOutcome.Unknown, result.Outcome);
        var log = harness.Simulator.RequestLog(SimulatedPlatforms.Qihoo360);
        Assert.Equal(3, log.Count);
        // The retry's back-off is 1 ms; only its own slot, 500 ms after the attempt before it, holds it back.
        Assert.True(log[2] - log[1] >= TimeSpan.FromMilliseconds(400), $"retry {(log[2] - log[1]).TotalMilliseconds:0} ms after the first attempt");
    }

    [Fact]
    public async Task A_stall_does_not_let_missed_slots_go_out_as_a_burst()
    {
        var time = TimeProvider.System;
        var spacing = new RequestSpacing(10, 100, time);

        Assert.Null(await spacing.WaitTurnAsync(CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var started = time.GetTimestamp();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await spacing.WaitTurnAsync(CancellationToken.None));
        }

        Assert.True(time.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(180), "after an idle spell the next slots are still 100 ms apart");
    }

    [Fact]
    public async Task Waiters_a_stall_made_late_take_new_slots_instead_of_going_out_together()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var spacing = new RequestSpacing(10, 100, clock);
        Assert.Null(await spacing.WaitTurnAsync(CancellationToken.None));
        var late = Enumerable.Range(0, 3).Select(_ => spacing.WaitTurnAsync(CancellationToken.None)).ToList();
        Assert.All(late, t => Assert.False(t.IsCompleted));

        // The process stalls for a second: every waiter's slot (100, 200, 300 ms) has passed when they wake.
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.Equal(1, late.Count(t => t.IsCompleted));

        // The others go one interval apart from then on.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await Task.Delay(50);
        Assert.Equal(2, late.Count(t => t.IsCompleted));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.All(await Task.WhenAll(late), Assert.Null);
    }

    /// <summary>The most requests in any window [t, t + 1 s) that starts at a request.</summary>
    public static int MaxInAnySecond(IReadOnlyList<DateTimeOffset> log) =>
        log.Count == 0 ? 0 : log.Select((start, i) => log.Skip(i).TakeWhile(t => t - start < TimeSpan.FromSeconds(1)).Count()).Max();
}

using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

/// <summary>Every adapter against every injected fault, over HTTP. The number is scripted clean, so a misread would show as Clean.</summary>
public sealed class FaultTests
{
    public static TheoryData<string, FaultKind, UnknownReason> Cases()
    {
        var data = new TheoryData<string, FaultKind, UnknownReason>();
        foreach (var platform in PlatformHarness.AllPlatforms)
        {
            data.Add(platform, FaultKind.Captcha, UnknownReason.Captcha);
            data.Add(platform, FaultKind.Blocked, UnknownReason.Blocked);
            data.Add(platform, FaultKind.RateLimited, UnknownReason.RateLimited);
            data.Add(platform, FaultKind.ServerError, UnknownReason.HttpError);
            data.Add(platform, FaultKind.ConnectionReset, UnknownReason.HttpError);
            data.Add(platform, FaultKind.ResetMidBody, UnknownReason.Truncated);
            data.Add(platform, FaultKind.Hang, UnknownReason.Timeout);
            data.Add(platform, FaultKind.Truncated, UnknownReason.Truncated);
            data.Add(platform, FaultKind.Garbled, UnknownReason.Undecodable);
            data.Add(platform, FaultKind.Empty, UnknownReason.EmptyBody);
            data.Add(platform, FaultKind.UnknownLayout, UnknownReason.UnrecognisedLayout);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_gives_unknown_with_its_reason(string platform, FaultKind kind, UnknownReason expected)
    {
        // A hang lasts 20 s at the simulator: a 2 s timeout is the outcome whatever the machine's load; every other fault gets 30 s.
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            if (kind == FaultKind.Hang)
            {
                s[$"Platforms:{platform}:Timeout"] = "00:00:02";
                s[$"Platforms:{platform}:AttemptTimeout"] = "00:00:00.800";
            }
        });
        var number = PlatformHarness.NumberFor(platform);
        harness.Simulator.Script(platform, number.E164, NumberScript.Clean());
        harness.Simulator.InjectFault(platform, new FaultSpec(kind, RetryAfter: TimeSpan.FromSeconds(45)));

        var result = await harness.LookupAsync(platform, number);

        Assert.Equal(LookupOutcome.Unknown, result.Outcome);
        Assert.True(expected == result.Reason, result.ToString());
        Assert.NotNull(result.Detail);
        if (kind == FaultKind.RateLimited)
        {
            Assert.Equal(TimeSpan.FromSeconds(45), result.RetryAfter);
        }
    }

    [Theory]
    [InlineData(SimulatedPlatforms.Baidu)]
    [InlineData(SimulatedPlatforms.Sogou)]
    public async Task Captcha_page_variant_is_recognised_as_well_as_the_redirect(string platform)
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.InjectFault(platform, new FaultSpec(FaultKind.Captcha, Variant: "page"));

        var result = await harness.LookupAsync(platform);

        Assert.Equal(UnknownReason.Captcha, result.Reason);
    }

    [Fact]
    public async Task A_single_transient_5xx_is_retried_and_the_answer_read()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Qihoo360, "13800138000", NumberScript.Labeled("骚扰电话", 5));
        harness.Simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.ServerError, Count: 1));

        var result = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal(2, harness.Simulator.RequestCount(SimulatedPlatforms.Qihoo360));
    }

    [Fact]
    public async Task A_connection_reset_is_retried_once_then_read()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Tencent, "13800138000", NumberScript.Labeled("广告推销", 5));
        harness.Simulator.InjectFault(SimulatedPlatforms.Tencent, new FaultSpec(FaultKind.ConnectionReset, Count: 1));

        var result = await harness.LookupAsync(SimulatedPlatforms.Tencent);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
    }

    [Fact]
    public async Task A_captcha_is_never_retried()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.InjectFault(SimulatedPlatforms.Baidu, new FaultSpec(FaultKind.Captcha));

        await harness.LookupAsync(SimulatedPlatforms.Baidu);

        Assert.Equal(1, harness.Simulator.RequestCount(SimulatedPlatforms.Baidu));
    }

    [Fact]
    public async Task Latency_below_the_timeout_still_reads_the_answer()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Sogou, "13800138000", NumberScript.Labeled("骚扰电话", 5));
        harness.Simulator.InjectFault(SimulatedPlatforms.Sogou, new FaultSpec(FaultKind.Latency, Latency: TimeSpan.FromMilliseconds(200)));

        var result = await harness.LookupAsync(SimulatedPlatforms.Sogou);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
    }

    [Fact]
    public async Task A_short_429_retry_after_is_waited_out_in_place_a_long_one_is_returned()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:nomorobo:MaxInlineRetryAfter"] = "00:00:01");
        harness.Simulator.Script(SimulatedPlatforms.Nomorobo, "+12125550100", NumberScript.Labeled("SCAM"));
        harness.Simulator.InjectFault(SimulatedPlatforms.Nomorobo, new FaultSpec(FaultKind.RateLimited, Count: 1, RetryAfter: TimeSpan.FromSeconds(1)));

        var waited = await harness.LookupAsync(SimulatedPlatforms.Nomorobo);
        Assert.Equal(LookupOutcome.Labeled, waited.Outcome);

        harness.Simulator.InjectFault(SimulatedPlatforms.Nomorobo, new FaultSpec(FaultKind.RateLimited, Count: 1, RetryAfter: TimeSpan.FromMinutes(10)));
        var limited = await harness.LookupAsync(SimulatedPlatforms.Nomorobo);
        Assert.Equal(UnknownReason.RateLimited, limited.Reason);
        Assert.Equal(TimeSpan.FromMinutes(10), limited.RetryAfter);
    }

    [Fact]
    public async Task Probabilistic_faults_hit_some_lookups_and_no_lookup_is_misread()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:qihoo360:MaxRetries"] = "0");
        harness.Simulator.Script(SimulatedPlatforms.Qihoo360, "13800138000", NumberScript.Labeled("诈骗电话", 5));
        harness.Simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(FaultKind.Truncated, Probability: 0.5));

        var results = new List<LookupResult>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await harness.LookupAsync(SimulatedPlatforms.Qihoo360));
        }

        Assert.Contains(results, r => r.Reason == UnknownReason.Truncated);
        Assert.Contains(results, r => r.IsLabeled);
        Assert.All(results, r => Assert.True(r.IsLabeled ? r.LabelText == "诈骗电话" : r.Reason == UnknownReason.Truncated));
    }
}

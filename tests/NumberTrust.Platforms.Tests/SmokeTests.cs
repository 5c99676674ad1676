using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Simulator_serves_each_platform_on_its_own_port()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var ports = PlatformHarness.AllPlatforms.Select(p => harness.Simulator.BaseUrlFor(p).Port).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.True(p > 0));

        harness.Simulator.Script(SimulatedPlatforms.Qihoo360, "+8613800138000", NumberScript.Labeled("骚扰电话", 12));
        var result = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);
        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
    }
}

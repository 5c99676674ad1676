using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Labels;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

public sealed class SimulatorTests
{
    [Fact]
    public async Task A_label_appears_after_n_lookups_and_disappears_after_an_appeal()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Qihoo360, "+8613900139000", NumberScript.Clean().ThenLabeled(2, "诈骗电话", 16));
        var number = PlatformHarness.CnMobile with { E164 = "+8613900139000", NationalNumber = "13900139000", NationalDialString = "13900139000" };

        var outcomes = new List<LookupOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add((await harness.LookupAsync(SimulatedPlatforms.Qihoo360, number)).Outcome);
        }

        Assert.Equal([LookupOutcome.Clean, LookupOutcome.Clean, LookupOutcome.Labeled], outcomes);
        harness.Simulator.MarkAppealed(SimulatedPlatforms.Qihoo360, "13900139000");
        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360, number)).Outcome);
        Assert.Equal(4, harness.Simulator.AnsweredLookups(SimulatedPlatforms.Qihoo360, "+8613900139000"));
    }

    [Fact]
    public async Task A_label_appears_at_a_scripted_time_on_the_simulators_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var harness = await PlatformHarness.StartAsync(simulatorTime: clock);
        harness.Simulator.Script("*", "+8613800138000", NumberScript.Clean().ThenLabeledAt(clock.GetUtcNow().AddHours(1), "骚扰电话", 3));

        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Baidu)).Outcome);
        clock.Advance(TimeSpan.FromHours(2));
        var later = await harness.LookupAsync(SimulatedPlatforms.Baidu);

        Assert.Equal(LabelCategory.Harassment, later.Category);
    }

    [Fact]
    public async Task A_script_that_keeps_its_label_after_an_appeal_models_a_rejected_appeal()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Sogou, "13800138000", NumberScript.Labeled("骚扰电话", 3).KeepAfterAppeal());
        harness.Simulator.MarkAppealed(SimulatedPlatforms.Sogou, "+8613800138000");

        Assert.Equal(LookupOutcome.Labeled, (await harness.LookupAsync(SimulatedPlatforms.Sogou)).Outcome);
    }

    [Fact]
    public async Task Http_control_api_scripts_injects_faults_counts_and_resets()
    {
        await using var harness = await PlatformHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Simulator.ControlUrl };

        var script = await http.PostAsJsonAsync("/_sim/script", new
        {
            platform = "qihoo360",
            number = "+8613800138000",
            script = new { phases = new[] { new { afterLookups = 0, label = new { text = "房产中介", count = 8 } } }, layout = "hy-tips" },
        });
        Assert.Equal(HttpStatusCode.NoContent, script.StatusCode);
        Assert.Equal(LabelCategory.RealEstateAgent, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360)).Category);

        var fault = await http.PostAsJsonAsync("/_sim/faults", new { platform = "qihoo360", fault = new { kind = "Captcha", count = 1 } });
        Assert.Equal(HttpStatusCode.NoContent, fault.StatusCode);
        Assert.Equal(UnknownReason.Captcha, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360)).Reason);

        var stats = await http.GetFromJsonAsync<Dictionary<string, PlatformStats>>("/_sim/stats");
        Assert.Equal(2, stats!["qihoo360"].Requests);
        Assert.Equal(1, stats["qihoo360"].Faulted);

        var config = await http.GetFromJsonAsync<Dictionary<string, string>>("/_sim/config");
        Assert.Equal(harness.Simulator.BaseUrlFor("baidu").ToString().TrimEnd('/'), config!["Platforms:baidu:BaseUrl"]);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/_sim/script", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/_sim/reset", null)).StatusCode);
        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360)).Outcome);
    }

    [Fact]
    public async Task Demo_script_shows_labels_at_once_after_a_few_lookups_and_clean_numbers()
    {
        await using var harness = await PlatformHarness.StartAsync();
        DemoScript.Apply(harness.Simulator);
        var numbers = DemoScript.Numbers.ToDictionary(n => n.E164);
        var cn = PlatformHarness.CnMobile;

        Assert.Equal(LabelCategory.Harassment, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360, cn)).Category);
        Assert.Equal(LabelCategory.Harassment, (await harness.LookupAsync(SimulatedPlatforms.Tencent, cn)).Category);

        var later = cn with { E164 = "+8613900139000", NationalNumber = "13900139000", NationalDialString = "13900139000" };
        Assert.True(numbers.ContainsKey(later.E164));
        var first = await harness.LookupAsync(SimulatedPlatforms.Qihoo360, later);
        await harness.LookupAsync(SimulatedPlatforms.Qihoo360, later);
        var third = await harness.LookupAsync(SimulatedPlatforms.Qihoo360, later);
        Assert.Equal(LookupOutcome.Clean, first.Outcome);
        Assert.Equal(LabelCategory.Fraud, third.Category);

        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Baidu, PlatformHarness.CnLandline)).Outcome);
        Assert.Equal(LabelCategory.Robocall, (await harness.LookupAsync(SimulatedPlatforms.Nomorobo, PlatformHarness.UsNumber)).Category);

        var service = cn with { E164 = "+864008108888", NationalNumber = "4008108888", NationalDialString = "4008108888", Type = Numbers.NumberType.SharedCost };
        Assert.Equal("示例科技客服", (await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma, service)).Identity?.DisplayName);
        Assert.Equal(LabelCategory.Delivery, (await harness.LookupAsync(SimulatedPlatforms.Qihoo360, service)).Category);
    }

    [Fact]
    public async Task Unknown_paths_get_a_404_and_national_and_e164_forms_share_a_script()
    {
        await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions { Platforms = [SimulatedPlatforms.Qihoo360] }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = simulator.BaseUrlFor(SimulatedPlatforms.Qihoo360) };
        simulator.Script(SimulatedPlatforms.Qihoo360, "+8613800138000", NumberScript.Labeled("骚扰电话", 2));

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing")).StatusCode);
        var page = await http.GetStringAsync("/s?q=13800138000");
        Assert.Contains("mh-tel-mark", page);
        Assert.Equal(1, simulator.AnsweredLookups(SimulatedPlatforms.Qihoo360, "13800138000"));
    }
}

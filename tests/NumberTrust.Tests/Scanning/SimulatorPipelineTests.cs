using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Simulator;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

/// <summary>The whole pipeline with the real adapters talking HTTP to the platform simulator (no fakes between them).</summary>
public sealed class SimulatorPipelineTests : IAsyncLifetime
{
    private PlatformSimulator _simulator = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        var settings = _simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var platform in SimulatedPlatforms.BuiltIn)
        {
            settings[$"Platforms:{platform}:Timeout"] = "00:00:03";
            settings[$"Platforms:{platform}:AttemptTimeout"] = "00:00:01";
        }

        _api = await ApiFactory.StartAsync(settings, realPlatforms: true);
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private async Task<JsonElement> ScanAndWaitAsync(string number)
    {
        var post = await _client.PostAsync($"/api/numbers/{number}/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var run = await _client.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString);
            if (run.GetProperty("finished").GetBoolean())
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"scan did not finish: {run}");
            await Task.Delay(200);
        }
    }

    private async Task<Dictionary<string, JsonElement>> LabelsAsync(string number)
    {
        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{number}");
        return view.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("platform").GetString()!);
    }

    [Fact]
    public async Task Labels_read_over_http_from_each_chinese_platform_reach_the_number_status()
    {
        _simulator.Script(SimulatedPlatforms.Qihoo360, "+8613800138000", NumberScript.Labeled("诈骗电话", 88));
        _simulator.Script(SimulatedPlatforms.Baidu, "+8613800138000", NumberScript.Labeled("骚扰电话", 312, "百度手机卫士"));
        _simulator.Script(SimulatedPlatforms.Sogou, "+8613800138000", NumberScript.Clean());
        await _client.PutAsJsonAsync("/api/numbers/13800138000", new { platforms = new[] { "qihoo360", "baidu", "sogou" } });

        var run = await ScanAndWaitAsync("13800138000");

        Assert.Equal(3, run.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("done").GetInt32()));
        var labels = await LabelsAsync("13800138000");
        Assert.Equal("fraud", labels["qihoo360"].GetProperty("category").GetString());
        Assert.Equal(88, labels["qihoo360"].GetProperty("reportCount").GetInt32());
        Assert.Equal("harassment", labels["baidu"].GetProperty("category").GetString());
        Assert.Equal("百度手机卫士", labels["baidu"].GetProperty("sourceApp").GetString());
        Assert.Equal("Clean", labels["sogou"].GetProperty("state").GetString());
        Assert.StartsWith("http://127.0.0.1:", labels["qihoo360"].GetProperty("evidenceUrl").GetString(), StringComparison.Ordinal);
        var view = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
        Assert.Equal("fraud", view.GetProperty("worstCategory").GetString());
    }

    [Theory]
    [InlineData(FaultKind.Captcha)]
    [InlineData(FaultKind.Blocked)]
    [InlineData(FaultKind.Truncated)]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.ConnectionReset)]
    public async Task A_platform_that_cannot_be_read_never_records_clean_and_keeps_the_last_label(FaultKind fault)
    {
        _simulator.Script(SimulatedPlatforms.Qihoo360, "+8613900139000", NumberScript.Labeled("广告推销", 20));
        await _client.PutAsJsonAsync("/api/numbers/13900139000", new { platforms = new[] { "qihoo360" } });
        await ScanAndWaitAsync("13900139000");
        _simulator.Script(SimulatedPlatforms.Qihoo360, "+8613900139000", NumberScript.Clean());
        _simulator.InjectFault(SimulatedPlatforms.Qihoo360, new FaultSpec(fault));

        var run = await ScanAndWaitAsync("13900139000");

        var platform = run.GetProperty("platforms")[0];
        Assert.Equal(1, platform.GetProperty("unknown").GetInt32() + platform.GetProperty("failed").GetInt32());
        var label = (await LabelsAsync("13900139000"))["qihoo360"];
        Assert.Equal("Labeled", label.GetProperty("state").GetString());
        Assert.Equal("sales", label.GetProperty("category").GetString());
        Assert.True(label.GetProperty("consecutiveUnknowns").GetInt32() >= 1 || label.TryGetProperty("lastFailure", out _));
    }
}

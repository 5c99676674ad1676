using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Simulator;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>The expectation against 百度号码认证's 企业认证 card as the real adapter reads it from the platform simulator over HTTP.</summary>
public sealed class DisplayMismatchSimulatorTests : IAsyncLifetime
{
    private const string Number = "+8613800138000";
    private PlatformSimulator _simulator = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        var settings = _simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        settings[$"Platforms:{SimulatedPlatforms.BaiduHaoma}:Timeout"] = "00:00:03";
        settings[$"Platforms:{SimulatedPlatforms.BaiduHaoma}:AttemptTimeout"] = "00:00:01";
        _api = await ApiFactory.StartAsync(settings, realPlatforms: true);
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private async Task ScanAsync()
    {
        using var post = await _client.PostAsync($"/api/numbers/{Number}/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await _client.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString)).GetProperty("finished").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "scan did not finish");
            await Task.Delay(100);
        }
    }

    private async Task<List<JsonElement>> AlertsAsync(string type)
    {
        var messages = (await _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).Where(a => a.GetProperty("type").GetString() == type).ToList();
    }

    [Fact]
    public async Task A_stale_certified_name_then_the_right_one_then_none_read_from_the_simulator()
    {
        _simulator.Script(SimulatedPlatforms.BaiduHaoma, Number, NumberScript.Certified("示例科技").ThenLabeled(1, "示例科技客服").ThenClean(2));
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { platforms = new[] { SimulatedPlatforms.BaiduHaoma } })).IsSuccessStatusCode);
        using var put = await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/{SimulatedPlatforms.BaiduHaoma}", new { displayName = "示例科技客服", certificationProvider = "企业认证" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await ScanAsync();
        var first = Assert.Single(await AlertsAsync("upkeep.display_mismatch"));
        Assert.Equal("示例科技", first.GetProperty("data").GetProperty("shown").GetProperty("displayName").GetString());
        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/expectations/{SimulatedPlatforms.BaiduHaoma}");
        Assert.Equal("企业认证", view.GetProperty("shown").GetProperty("verificationSource").GetString());
        Assert.Equal("name", view.GetProperty("mismatch").GetProperty("reasons")[0].GetString());

        await ScanAsync();
        Assert.False((await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{Number}/expectations/{SimulatedPlatforms.BaiduHaoma}")).TryGetProperty("mismatch", out _));

        // The card is gone: the page shows only the location, and callers see no name at all.
        await ScanAsync();
        var alerts = await AlertsAsync("upkeep.display_mismatch");
        Assert.Equal(2, alerts.Count);
        Assert.Equal("not_shown", alerts[1].GetProperty("data").GetProperty("reasons")[0].GetString());
        Assert.Single(await AlertsAsync("upkeep.identity_lost"));
        var number = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/" + Number);
        Assert.False(number.GetProperty("labeled").GetBoolean());
    }
}

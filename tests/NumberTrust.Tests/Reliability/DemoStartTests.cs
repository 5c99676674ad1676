using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Reliability;

/// <summary>The README's main command: the local host in demo mode against an empty Azurite starts every time and shows labels within a minute.</summary>
public sealed partial class DemoStartTests
{
    [Fact]
    public async Task Demo_mode_on_an_empty_azurite_shows_the_demo_tenants_first_labels_within_60_s_every_time()
    {
        for (var run = 1; run <= 3; run++)
        {
            await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
            var port = AzuriteProcess.FreePort();
            await using var host = LocalHostProcess.StartDemo(azurite.ConnectionString, port);
            var started = DateTime.UtcNow;
            var line = await host.WaitForLineAsync(l => ApiKey().IsMatch(l), TimeSpan.FromSeconds(60), $"run {run}: the demo key is printed");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, ApiKey().Match(line).Value);

            var labeled = 0;
            while (labeled == 0)
            {
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), $"run {run}: no labeled demo number within 60 s:\n{string.Join('\n', host.Lines.TakeLast(30))}");
                await Task.Delay(500);
                var page = await http.GetFromJsonAsync<JsonElement>("/api/numbers?labeled=true");
                labeled = page.GetProperty("items").GetArrayLength();
            }

            Assert.False(host.HasExited);
        }
    }

    [GeneratedRegex(@"ntk_[0-9a-f]{16}\.[A-Za-z0-9_-]{20,}")]
    private static partial Regex ApiKey();
}

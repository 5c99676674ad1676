using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Lookups;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Reliability;

/// <summary>Storage going away for a minute: the host keeps running, answers 503, backs off, and afterwards carries on with nothing lost.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task A_60_second_storage_outage_leaves_the_host_running_and_work_resumes_with_nothing_lost()
    {
        var data = Directory.CreateTempSubdirectory("nt-outage-");
        var ports = (AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());
        var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, data.FullName, ports, CancellationToken.None);
        var logs = new LogCapture();
        var source = new ScriptedLabelSource("qihoo360");
        try
        {
            await using var api = await ApiFactory.StartAsync(
                new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Queues:MaxPollingInterval"] = "00:00:02" },
                services =>
                {
                    services.AddSingleton<ILabelSource>(source);
                    services.AddLogging(b => b.AddProvider(logs));
                });
            using var tenant = await api.TenantAsync();
            (await tenant.PutAsJsonAsync("/api/numbers/13800138000", new { displayName = "before the outage" })).EnsureSuccessStatusCode();

            // Azurite saves its store to disk every 5 s; give it time to, or the emulator itself would lose the rows.
            await Task.Delay(TimeSpan.FromSeconds(12));
            await azurite.DisposeAsync();
            var outage = DateTime.UtcNow;
            var failedPolls = logs.Count(3003);
            while (DateTime.UtcNow - outage < TimeSpan.FromSeconds(60))
            {
                using var health = await api.CreateClient().GetAsync("/api/health");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                var scan = await tenant.PostAsync("/api/numbers/13800138000/scans", null);
                await ProblemAssert.IsProblemAsync(scan, HttpStatusCode.ServiceUnavailable);
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            // Each of the host's listeners backs off to its polling maximum (2 s) instead of spinning.
            var listeners = FunctionTable.Queues.Count;
            Assert.InRange(logs.Count(3003) - failedPolls, listeners, listeners * 45);

            azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, data.FullName, ports, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await api.CreateClient().GetAsync("/api/health")).IsSuccessStatusCode)
            {
                Assert.True(DateTime.UtcNow < deadline, "health did not recover within 60 s of storage coming back");
                await Task.Delay(500);
            }

            source.Script("+8613800138000", "qihoo360", ScriptedLabelSource.Labeled("Harassment", "骚扰电话", 3));
            var run = await tenant.PostAsync("/api/numbers/13800138000/scans", null);
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
            JsonElement view;
            do
            {
                Assert.True(DateTime.UtcNow < deadline.AddSeconds(60), "the scan after the outage did not finish");
                await Task.Delay(300);
                view = await tenant.GetFromJsonAsync<JsonElement>(run.Headers.Location);
            }
            while (!view.GetProperty("finished").GetBoolean());

            var number = await tenant.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
            Assert.Equal("before the outage", number.GetProperty("displayName").GetString());
            Assert.True(number.GetProperty("labeled").GetBoolean());
        }
        finally
        {
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}

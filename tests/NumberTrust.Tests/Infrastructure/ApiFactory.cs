using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Hosting;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>The local host in-process over real Azurite, with its own storage prefix.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private readonly bool _realPlatforms;

    public ApiFactory(string connectionString, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null, bool realPlatforms = false)
    {
        _services = services;
        _realPlatforms = realPlatforms;
        Prefix = Azurite.NewPrefix();
        _settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Storage:Prefix"] = Prefix,
            ["Auth:AdminKey"] = AdminKey,
            ["Local:StartAzurite"] = "false",
            ["Queues:VisibilityTimeout"] = "00:00:00.200",
            // The planner timer stays quiet unless a test drives it (tests call the planner directly).
            [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
            [ScheduleSettings.AppealSweep] = "0 0 0 1 1 *",
            [ScheduleSettings.Digest] = "0 0 0 1 1 *",
            [ScheduleSettings.UpkeepReminders] = "0 0 0 1 1 *",
            ["Queues:MaxPollingInterval"] = "00:00:00.250",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("NT_TEST_LOGLEVEL") ?? "Warning",
            // Tests that look at the alerts queue need its messages left there; delivery tests turn the dispatcher back on.
            ["AzureWebJobs.DispatchAlert.Disabled"] = "true",
            // Tests scan a number again right after a scan and expect a new lookup; sharing tests set the window they need.
            ["Lookups:SharedFreshness"] = "00:00:00",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Prefix { get; }

    public static async Task<ApiFactory> StartAsync(
        IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null, bool realPlatforms = false)
    {
        var factory = new ApiFactory(await Azurite.ConnectionStringAsync(), extra, services, realPlatforms);
        _ = factory.Server; // start now so start-up failures surface here
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            // Tests never reach a real platform: either the adapters talk to the platform simulator (realPlatforms, with its
            // configuration passed in), or every lookup comes from a scripted source.
            if (!_realPlatforms)
            {
                services.AddSingleton<ILabelSource>(new ScriptedLabelSource());
            }

            _services?.Invoke(services);
        });
    }

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        return client;
    }

    /// <summary>Creates a tenant and a key; returns a client that sends the key.</summary>
    public async Task<HttpClient> TenantAsync(string? tenantId = null, string region = "CN")
    {
        tenantId ??= "tenant-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = Admin();
        var put = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenantId}", new { name = tenantId, defaultRegion = region });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var key = await admin.PostAsJsonAsync($"/api/admin/tenants/{tenantId}/keys", new { name = "test" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        var body = await key.Content.ReadFromJsonAsync<JsonElement>();
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, body.GetProperty("key").GetString());
        return client;
    }
}

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 problem response with the status, and returns its JSON.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        return json;
    }
}

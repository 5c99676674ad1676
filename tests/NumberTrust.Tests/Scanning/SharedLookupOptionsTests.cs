using System.Net;
using System.Net.Http.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

/// <summary>A bad sharing setting never stops the host: health names it and the scan endpoint answers a problem, not a 500.</summary>
public sealed class SharedLookupOptionsTests
{
    [Fact]
    public async Task A_negative_freshness_window_is_named_by_health_and_the_scan_endpoint()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Lookups:SharedFreshness"] = "-00:00:01" });
        using var anonymous = api.CreateClient();
        var health = await anonymous.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("SharedFreshness", await health.Content.ReadAsStringAsync());

        using var client = await api.TenantAsync();
        (await client.PutAsJsonAsync("/api/numbers/+8613800138716", new { displayName = "x" })).Dispose();
        using var post = await client.PostAsync("/api/numbers/+8613800138716/scans", null);
        var problem = await ProblemAssert.IsProblemAsync(post, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("SharedFreshness", problem.GetProperty("detail").GetString());
    }
}

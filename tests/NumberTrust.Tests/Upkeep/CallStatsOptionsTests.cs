using System.Net;
using System.Net.Http.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>Bad detector settings never stop the host: health names them and the call-stats endpoint answers a problem, not a 500.</summary>
public sealed class CallStatsOptionsTests
{
    [Fact]
    public async Task A_recovery_margin_not_under_the_drop_threshold_is_named_by_health_and_the_endpoint()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?>
        {
            ["Upkeep:AnswerRate:DropPoints"] = "5",
            ["Upkeep:AnswerRate:RecoveryPoints"] = "5",
        });
        using var anonymous = api.CreateClient();
        var health = await anonymous.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Upkeep:AnswerRate:RecoveryPoints", await health.Content.ReadAsStringAsync());

        using var client = await api.TenantAsync();
        (await client.PutAsJsonAsync("/api/numbers/+8613800138199", new { displayName = "x" })).Dispose();
        using var post = await client.PostAsJsonAsync("/api/numbers/+8613800138199/call-stats", new[] { new { date = "2026-01-01", attempted = 1, answered = 1 } });
        var problem = await ProblemAssert.IsProblemAsync(post, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("RecoveryPoints", problem.GetProperty("detail").GetString());
    }
}

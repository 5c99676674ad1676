using System.Net;
using System.Net.Http.Headers;
using Azure.Core;
using Azure.Core.Pipeline;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Tenants;

/// <summary>Bad keys cannot cost storage reads without limit: unknown key ids are remembered, and an address that keeps failing gets 429.</summary>
public sealed class AuthThrottleTests
{
    [Fact]
    public async Task An_unknown_key_id_costs_one_storage_read_however_often_it_is_presented()
    {
        var reads = new KeyReads();
        await using var api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["Auth:MaxFailuresPerWindow"] = "1000", ["Auth:UnknownKeyCacheDuration"] = "00:10:00" },
            services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new StoragePipelinePolicy(reads)));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", "ntk_0123456789abcdef.not-a-real-secret");

        for (var i = 0; i < 10; i++)
        {
            await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/numbers"), HttpStatusCode.Unauthorized);
        }

        Assert.Equal(1, reads.Count);
    }

    [Fact]
    public async Task An_address_that_keeps_failing_gets_429_with_retry_after_while_a_key_already_verified_keeps_working()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Auth:MaxFailuresPerWindow"] = "5", ["Auth:FailureWindow"] = "00:10:00" });
        using var good = await api.TenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/numbers")).StatusCode);
        using var bad = api.CreateClient();
        bad.DefaultRequestHeaders.Add("x-api-key", "ntk_fedcba9876543210.wrong");

        for (var i = 0; i < 5; i++)
        {
            await ProblemAssert.IsProblemAsync(await bad.GetAsync("/api/numbers"), HttpStatusCode.Unauthorized);
        }

        var throttled = await bad.GetAsync("/api/numbers");
        var problem = await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
        Assert.Contains("try again in", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");

        // A key this instance has verified is not throttled (all test clients share one address).
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/numbers")).StatusCode);
    }

    private sealed class KeyReads : HttpPipelineSynchronousPolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _requests = new();

        public int Count => _requests.Count;

        // Reads by the code, not attempts: an SDK retry (a slow emulator's 5xx, or a body read that timed out) keeps the client request id.
        public override void OnReceivedResponse(HttpMessage message)
        {
            if (message.Request.Uri.Path.Contains("ApiKeys(", StringComparison.Ordinal) && message.HasResponse && message.Response.Status < 500)
            {
                _requests.TryAdd(message.Request.ClientRequestId, 0);
            }
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Simulator.Remediation;

namespace NumberTrust.Tests.Appeals;

/// <summary>The simulated remediation API over HTTP: 202 and an operation, idempotent retries, pending then a decision, scripted failures.</summary>
public sealed class RemediationApiSimulatorTests : IAsyncLifetime
{
    private RemediationApiSimulator _vendor = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _vendor = await RemediationApiSimulator.StartAsync(new RemediationApiSimulatorOptions { PendingPolls = 1 }, CancellationToken.None);
        _client = new HttpClient { BaseAddress = _vendor.Endpoint, Timeout = TimeSpan.FromSeconds(5) };
        _client.DefaultRequestHeaders.Add(_vendor.ApiKeyHeader!, _vendor.ApiKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _vendor.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SubmitAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RemediationApiSimulator.SubmitPath)
        {
            Content = JsonContent.Create(new { number = "+12025550123", text = "Please review." }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task Submit_answers_202_with_an_operation_that_is_pending_then_accepted_with_a_ticket()
    {
        _vendor.AcceptNext("TKT-1");

        using var submitted = await SubmitAsync("a1");

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var location = submitted.Headers.GetValues("Operation-Location").Single();
        Assert.EndsWith("/remediations/" + id, location);
        Assert.Equal("pending", (await _client.GetFromJsonAsync<JsonElement>(location)).GetProperty("status").GetString());
        var final = await _client.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("accepted", final.GetProperty("status").GetString());
        Assert.Equal("TKT-1", final.GetProperty("ticketNumber").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_maps_to_the_same_operation()
    {
        using var first = await SubmitAsync("same");
        using var second = await SubmitAsync("same");

        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Single(_vendor.Submissions);
    }

    [Fact]
    public async Task A_refusal_carries_its_reason()
    {
        _vendor.RefuseNext("not the owner", pendingPolls: 0);
        using var submitted = await SubmitAsync("r1");
        var location = submitted.Headers.GetValues("Operation-Location").Single();

        var final = await _client.GetFromJsonAsync<JsonElement>(location);

        Assert.Equal("refused", final.GetProperty("status").GetString());
        Assert.Equal("not the owner", final.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Scripted_failures_answer_5xx_bad_json_and_hang()
    {
        _vendor.FailSubmits(1, RemediationFault.ServerError, 502);
        _vendor.FailSubmits(1, RemediationFault.BadJson);
        _vendor.FailSubmits(1, RemediationFault.Hang);

        using (var failed = await SubmitAsync("f1"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        using (var bad = await SubmitAsync("f1"))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            await Assert.ThrowsAnyAsync<JsonException>(async () => await bad.Content.ReadFromJsonAsync<JsonElement>());
        }

        using var impatient = new HttpClient { BaseAddress = _vendor.Endpoint, Timeout = TimeSpan.FromMilliseconds(300) };
        impatient.DefaultRequestHeaders.Add(_vendor.ApiKeyHeader!, _vendor.ApiKey);
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.PostAsJsonAsync(RemediationApiSimulator.SubmitPath, new { number = "+1", text = "x" }));
        using var ok = await SubmitAsync("f1");
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
    }

    [Fact]
    public async Task A_request_without_the_api_key_is_refused_with_401()
    {
        using var anonymous = new HttpClient { BaseAddress = _vendor.Endpoint };

        using var response = await anonymous.PostAsJsonAsync(RemediationApiSimulator.SubmitPath, new { number = "+1", text = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_vendor.Submissions);
    }
}

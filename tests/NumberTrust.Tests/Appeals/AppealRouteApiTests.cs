using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// The admin API of appeal routes through HTTP against Azurite: defaults layered under configuration and the stored edit, ETags with
/// 412 on a stale If-Match, 400 naming bad fields, 422 for a channel that could never send, and no access with a tenant key.
/// </summary>
public sealed class AppealRouteApiTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobs.LookupLabel.Disabled"] = "true",
            ["Appeals:Routes:qihoo360:TurnaroundWorkingDays"] = "4",
        });
        _admin = _api.Admin();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<(JsonElement Body, string ETag)> GetAsync(string platform)
    {
        using var response = await _admin.GetAsync($"/api/platforms/{platform}/appeal-route");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    private async Task<HttpResponseMessage> PutAsync(string platform, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/platforms/{platform}/appeal-route") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _admin.SendAsync(request);
    }

    [Fact]
    public async Task Get_layers_configuration_over_the_defaults_and_put_edits_the_effective_route()
    {
        var (before, etag) = await GetAsync("qihoo360");
        Assert.Equal("\"defaults\"", etag);
        Assert.Equal(4, before.GetProperty("effective").GetProperty("turnaroundWorkingDays").GetInt32()); // configuration over the default 3
        Assert.Equal("https://haomashensu.360.cn", before.GetProperty("effective").GetProperty("url").GetString());
        Assert.False(before.TryGetProperty("edit", out _)); // nothing edited yet (nulls are left out)

        using var put = await PutAsync("qihoo360", new { channel = "Email", emailAddress = "shensu@360.example.com", requiredEvidence = new[] { "business-licence" } }, etag);

        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var (after, newTag) = await GetAsync("qihoo360");
        Assert.NotEqual(etag, newTag);
        Assert.Equal(put.Headers.ETag!.ToString(), newTag);
        var effective = after.GetProperty("effective");
        Assert.Equal("Email", effective.GetProperty("channel").GetString());
        Assert.Equal("shensu@360.example.com", effective.GetProperty("emailAddress").GetString());
        Assert.Equal(["business-licence"], effective.GetProperty("requiredEvidence").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, effective.GetProperty("turnaroundWorkingDays").GetInt32()); // not in the edit: configuration still applies
        Assert.Equal("Portal", after.GetProperty("configured").GetProperty("channel").GetString());

        // Every appeal read uses the edited route: the tenant's platform list shows it at once.
        using var tenant = await _api.TenantAsync();
        var platforms = await tenant.GetFromJsonAsync<JsonElement>("/api/platforms");
        var qihoo = platforms.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "qihoo360");
        Assert.Equal("email", qihoo.GetProperty("appeal").GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Put_with_a_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        var (_, etag) = await GetAsync("baidu");
        using (var first = await PutAsync("baidu", new { frequencyLimitDays = 5 }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var stale = await PutAsync("baidu", new { frequencyLimitDays = 9 }, etag);

        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(5, (await GetAsync("baidu")).Body.GetProperty("effective").GetProperty("frequencyLimitDays").GetInt32());
    }

    [Fact]
    public async Task Put_names_every_bad_field_with_400()
    {
        using var response = await PutAsync("baidu", new
        {
            channel = "Fax",
            language = "fr-FR",
            requiredEvidence = new[] { "passport" },
            apiUrl = "ftp://vendor.example.com/appeals",
            turnaroundWorkingDays = -1,
            emailAddress = "not an address",
        });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "channel", "language", "requiredEvidence", "apiUrl", "turnaroundWorkingDays", "emailAddress" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing from {errors}");
        }

        Assert.Equal("\"defaults\"", (await GetAsync("baidu")).ETag);
    }

    [Fact]
    public async Task Put_of_a_channel_that_could_never_send_is_422_naming_the_missing_field()
    {
        using var api = await PutAsync("baidu", new { channel = "Api" });
        var apiProblem = await ProblemAssert.IsProblemAsync(api, HttpStatusCode.UnprocessableEntity);
        Assert.True(apiProblem.GetProperty("errors").TryGetProperty("apiUrl", out _));

        using var email = await PutAsync("baidu", new { channel = "Email", emailAddress = "" });
        var emailProblem = await ProblemAssert.IsProblemAsync(email, HttpStatusCode.UnprocessableEntity);
        Assert.True(emailProblem.GetProperty("errors").TryGetProperty("emailAddress", out _));

        using var secret = await PutAsync("baidu", new { channel = "Api", apiUrl = "https://vendor.example.com/remediations", apiAuthHeaderName = "X-Api-Key" });
        var secretProblem = await ProblemAssert.IsProblemAsync(secret, HttpStatusCode.UnprocessableEntity);
        Assert.True(secretProblem.GetProperty("errors").TryGetProperty("apiSecretSetting", out _));
    }

    [Fact]
    public async Task A_tenant_key_is_refused_on_the_admin_route_endpoints()
    {
        using var tenant = await _api.TenantAsync();

        using var get = await tenant.GetAsync("/api/platforms/baidu/appeal-route");
        using var put = await tenant.PutAsJsonAsync("/api/platforms/baidu/appeal-route", new { channel = "Portal" });

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.Unauthorized);
        Assert.Equal("\"defaults\"", (await GetAsync("baidu")).ETag);
    }

    [Fact]
    public async Task Put_refuses_malformed_bodies_with_4xx_problems_and_stores_nothing()
    {
        foreach (var (content, type, status) in new[]
                 {
                     ("{\"channel\": ", "application/json", HttpStatusCode.BadRequest),
                     ("{\"turnaroundWorkingDays\": \"three\"}", "application/json", HttpStatusCode.BadRequest),
                     ("{\"requiredEvidence\": \"business-licence\"}", "application/json", HttpStatusCode.BadRequest),
                     ("[]", "application/json", HttpStatusCode.BadRequest),
                     ("", "application/json", HttpStatusCode.BadRequest),
                     ("<route/>", "application/xml", HttpStatusCode.UnsupportedMediaType),
                     ("{\"channel\": \"" + new string('x', 70_000) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/platforms/baidu/appeal-route")
            {
                Content = new StringContent(content, System.Text.Encoding.UTF8, type),
            };
            using var response = await _admin.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, status);
        }

        Assert.Equal("\"defaults\"", (await GetAsync("baidu")).ETag);
    }

    [Fact]
    public async Task An_unknown_platform_is_404()
    {
        using var response = await _admin.GetAsync("/api/platforms/nowhere/appeal-route");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Tenants;

public sealed class AuthTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await ApiFactory.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("ntk_0123456789abcdef.secret")]
    [InlineData("ntk_0123456789ABCDEF.secret")]
    [InlineData("ntk_.x")]
    public async Task Requests_without_a_valid_key_get_401(string? key)
    {
        using var client = _api.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(ApiHeaders.ApiKey, key);
        }

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/numbers"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync("/api/numbers/13800138000", new { }), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/numbers/import", new StringContent("number\n138", System.Text.Encoding.UTF8, "text/csv")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_with_the_right_id_but_wrong_secret_is_refused()
    {
        using var admin = _api.Admin();
        await admin.PutAsJsonAsync("/api/admin/tenants/acme", new { name = "Acme" });
        var created = await (await admin.PostAsJsonAsync("/api/admin/tenants/acme/keys", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        var forged = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");

        using var client = _api.CreateClient();
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, forged);

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/numbers"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tenants_never_see_or_change_each_others_numbers()
    {
        using var alice = await _api.TenantAsync("alice");
        using var bob = await _api.TenantAsync("bob");
        await alice.PutAsJsonAsync("/api/numbers/13800138000", new { displayName = "Alice's line", tags = new[] { "shared" } });

        await ProblemAssert.IsProblemAsync(await bob.GetAsync("/api/numbers/13800138000"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await bob.DeleteAsync("/api/numbers/13800138000"), HttpStatusCode.NotFound);
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/numbers")).GetProperty("items").EnumerateArray());
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/numbers?tag=shared")).GetProperty("items").EnumerateArray());

        // Bob may watch the same number: that is his own registration and leaves Alice's untouched.
        var bobs = await bob.PutAsJsonAsync("/api/numbers/+8613800138000", new { displayName = "Bob's view" });
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
        await bob.DeleteAsync("/api/numbers/13800138000");

        var alices = await alice.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
        Assert.Equal("Alice's line", alices.GetProperty("displayName").GetString());

        // Bob's continuation token cannot reach into Alice's partition either: the tenant comes from the key alone.
        var page = await alice.GetFromJsonAsync<JsonElement>("/api/numbers?pageSize=1");
        Assert.Single(page.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Revoked_keys_stop_working_and_tenant_keys_cannot_administer()
    {
        using var admin = _api.Admin();
        await admin.PutAsJsonAsync("/api/admin/tenants/revoker", new { name = "Revoker", defaultRegion = "US" });
        var created = await (await admin.PostAsJsonAsync("/api/admin/tenants/revoker/keys", new { name = "ci" })).Content.ReadFromJsonAsync<JsonElement>();
        using var client = _api.CreateClient();
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, created.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/numbers")).StatusCode);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/admin/tenants/revoker/keys", new { }), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync("/api/admin/tenants/other", new { }), HttpStatusCode.Unauthorized);

        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/admin/tenants/revoker/keys");
        var listed = Assert.Single(keys.GetProperty("items").EnumerateArray());
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.False(listed.TryGetProperty("secretHash", out _));

        var revoke = await admin.DeleteAsync($"/api/admin/tenants/revoker/keys/{created.GetProperty("keyId").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/numbers"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tenant_region_is_the_default_for_national_forms()
    {
        using var us = await _api.TenantAsync("us-tenant", region: "US");

        var put = await us.PutAsJsonAsync("/api/numbers/(212)%20555-0100", new { });

        Assert.Equal("+12125550100", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
    }

    [Theory]
    [InlineData("PUT", "/api/admin/tenants/Bad_Id", "{}")]
    [InlineData("PUT", "/api/admin/tenants/ok-id", "{\"defaultRegion\":\"Mars\"}")]
    [InlineData("PUT", "/api/admin/tenants/ok-id", "{\"name\":\"\"}")]
    [InlineData("PUT", "/api/admin/tenants/ok-id", "{\"unknown\":1}")]
    [InlineData("POST", "/api/admin/tenants/no-such-tenant/keys", "{}")]
    [InlineData("DELETE", "/api/admin/tenants/no-such-tenant/keys/0123456789abcdef", null)]
    [InlineData("DELETE", "/api/admin/tenants/no-such-tenant/keys/'%20or%20'1'%3D'1", null)]
    [InlineData("GET", "/api/admin/tenants/no-such-tenant", null)]
    public async Task Admin_endpoints_reject_bad_input_with_problem_details(string method, string url, string? body)
    {
        using var admin = _api.Admin();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        var response = await admin.SendAsync(request);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_endpoints_are_disabled_without_a_configured_admin_key()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Auth:AdminKey"] = "" });
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, "anything-at-all-that-is-long-enough");

        var problem = await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync("/api/admin/tenants/acme", new { }), HttpStatusCode.Unauthorized);
        Assert.Contains("disabled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_admin_key_turns_only_the_admin_endpoints_off_and_health_names_it()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Auth:AdminKey"] = "short" });
        using var admin = api.CreateClient();
        admin.DefaultRequestHeaders.Add("x-api-key", "short");

        var refused = await admin.GetAsync("/api/admin/tenants/acme");
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Auth:AdminKey is set but has 5 characters; it must have at least 24", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var health = await api.CreateClient().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Auth:AdminKey is set but has 5 characters", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

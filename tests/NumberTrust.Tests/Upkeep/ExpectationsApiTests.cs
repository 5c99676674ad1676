using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>Bad input and preconditions of the expectation, display-label and document endpoints: ProblemDetails 4xx, never 500.</summary>
public sealed class ExpectationsApiTests : IAsyncLifetime
{
    private const string Number = "+8613800138000";
    private const string Expectation = $"/api/numbers/{Number}/expectations/baidu-haoma";
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync();
        _client = await _api.TenantAsync();
        using var put = await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Hotline" });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            return await ProblemAssert.IsProblemAsync(response, status);
        }
    }

    private static HttpRequestMessage Send(HttpMethod method, string path, object? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    [Theory]
    [InlineData("{}", "displayName")]
    [InlineData("{\"displayName\":\"   \"}", "displayName")]
    [InlineData("{\"displayName\":\"a\\u0007b\"}", "displayName")]
    [InlineData("{\"displayName\":\"示例\",\"certificationExpires\":\"31/12/2026\"}", "certificationExpires")]
    [InlineData("{\"displayName\":\"示例\",\"certificationExpires\":\"2026-02-30\"}", "certificationExpires")]
    [InlineData("{\"displayName\":\"示例\",\"certificationExpires\":\"1999-12-31\"}", "certificationExpires")]
    public async Task A_bad_expectation_is_a_400_naming_the_field(string json, string field)
    {
        var problem = await ProblemAsync(await _client.PutAsync(Expectation, new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Unknown_platforms_unregistered_numbers_and_broken_bodies_are_problems()
    {
        var platform = await ProblemAsync(await _client.PutAsJsonAsync($"/api/numbers/{Number}/expectations/myspace", new { displayName = "x" }), HttpStatusCode.BadRequest);
        Assert.True(platform.GetProperty("errors").TryGetProperty("platform", out _));
        await ProblemAsync(await _client.PutAsJsonAsync("/api/numbers/13900139000/expectations/baidu-haoma", new { displayName = "x" }), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.PutAsJsonAsync("/api/numbers/not-a-number/expectations/baidu-haoma", new { displayName = "x" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.PutAsync(Expectation, new StringContent("{\"displayName\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.PutAsync(Expectation, new StringContent("<x/>", Encoding.UTF8, "application/xml")), HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(await _client.GetAsync(Expectation), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.DeleteAsync(Expectation), HttpStatusCode.NotFound);

        // Another tenant cannot see or write this tenant's expectation.
        using var other = await _api.TenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await _client.PutAsJsonAsync(Expectation, new { displayName = "示例科技客服" })).StatusCode);
        await ProblemAsync(await other.GetAsync(Expectation), HttpStatusCode.NotFound);
        await ProblemAsync(await other.PutAsJsonAsync(Expectation, new { displayName = "x" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Writes_honour_if_match_and_a_read_returns_the_etag()
    {
        using var created = await _client.PutAsJsonAsync(Expectation, new { displayName = "示例科技客服", certificationExpires = "2027-06-30" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.ToString();
        using var read = await _client.GetAsync(Expectation);
        Assert.Equal(etag, read.Headers.ETag!.ToString());
        var view = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2027-06-30", view.GetProperty("certificationExpires").GetString());

        using var replaced = await _client.SendAsync(Send(HttpMethod.Put, Expectation, new { displayName = "示例科技" }, etag));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        await ProblemAsync(await _client.SendAsync(Send(HttpMethod.Put, Expectation, new { displayName = "x" }, etag)), HttpStatusCode.PreconditionFailed);
        await ProblemAsync(await _client.SendAsync(Send(HttpMethod.Delete, Expectation, null, etag)), HttpStatusCode.PreconditionFailed);
        using var deleted = await _client.SendAsync(Send(HttpMethod.Delete, Expectation, null, replaced.Headers.ETag!.ToString()));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(await _client.SendAsync(Send(HttpMethod.Put, Expectation, new { displayName = "x" }, etag)), HttpStatusCode.PreconditionFailed);
    }

    [Theory]
    [InlineData("{\"label\":\"双11\",\"start\":\"2026-11-11\",\"end\":\"2026-11-12\"}", "platform")]
    [InlineData("{\"platform\":\"myspace\",\"label\":\"双11\",\"start\":\"2026-11-11\",\"end\":\"2026-11-12\"}", "platform")]
    [InlineData("{\"platform\":\"baidu-haoma\",\"start\":\"2026-11-11\",\"end\":\"2026-11-12\"}", "label")]
    [InlineData("{\"platform\":\"baidu-haoma\",\"label\":\"双11\",\"end\":\"2026-11-12\"}", "start")]
    [InlineData("{\"platform\":\"baidu-haoma\",\"label\":\"双11\",\"start\":\"2026-11-12\",\"end\":\"2026-11-11\"}", "end")]
    [InlineData("{\"platform\":\"baidu-haoma\",\"label\":\"双11\",\"start\":\"2026-11-11\",\"end\":\"2028-11-11\"}", "end")]
    public async Task A_bad_display_label_is_a_400_naming_the_field(string json, string field)
    {
        var problem = await ProblemAsync(
            await _client.PostAsync($"/api/numbers/{Number}/display-labels", new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Display_labels_of_unregistered_numbers_and_unknown_ids_are_404()
    {
        await ProblemAsync(await _client.PostAsJsonAsync("/api/numbers/13900139000/display-labels", new { platform = "baidu-haoma", label = "x", start = "2026-11-11", end = "2026-11-12" }), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.GetAsync("/api/numbers/13900139000/display-labels"), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.DeleteAsync($"/api/numbers/{Number}/display-labels/0123456789abcdef0123"), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.DeleteAsync($"/api/numbers/{Number}/display-labels/bad%20id"), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{\"expires\":\"2026-12-31\"}", "kind")]
    [InlineData("{\"kind\":\"passport\",\"expires\":\"2026-12-31\"}", "kind")]
    [InlineData("{\"kind\":\"business_licence\"}", "expires")]
    [InlineData("{\"kind\":\"business_licence\",\"expires\":\"2026-12-32\"}", "expires")]
    [InlineData("{\"kind\":\"business_licence\",\"expires\":\"2026-12-31\",\"number\":\"12\"}", "number")]
    public async Task A_bad_document_is_a_400_naming_the_field(string json, string field)
    {
        var problem = await ProblemAsync(await _client.PostAsync("/api/documents", new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Documents_are_listed_in_expiry_order_filtered_and_guarded()
    {
        await ProblemAsync(await _client.PostAsJsonAsync("/api/documents", new { kind = "industry_permit", expires = "2026-12-31", number = "13900139000" }), HttpStatusCode.NotFound);
        foreach (var (kind, expires, number) in new[] { ("business_licence", "2027-05-01", (string?)null), ("practitioner_certificate", "2026-12-31", Number), ("other", "2027-01-15", null) })
        {
            Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync("/api/documents", new { kind, expires, number })).StatusCode);
        }

        var all = await _client.GetFromJsonAsync<JsonElement>("/api/documents");
        Assert.Equal(["2026-12-31", "2027-01-15", "2027-05-01"], all.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("expires").GetString()));
        var ofNumber = await _client.GetFromJsonAsync<JsonElement>("/api/documents?number=138%200013%208000");
        Assert.Equal("practitioner_certificate", Assert.Single(ofNumber.GetProperty("items").EnumerateArray()).GetProperty("kind").GetString());
        var soon = await _client.GetFromJsonAsync<JsonElement>("/api/documents?expires-before=2027-01-31");
        Assert.Equal(2, soon.GetProperty("items").GetArrayLength());
        await ProblemAsync(await _client.GetAsync("/api/documents?expires-before=soon"), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.GetAsync("/api/documents?number=abc"), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.GetAsync("/api/documents/0123456789abcdef0123"), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.GetAsync("/api/documents/bad%7Cid"), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.PutAsJsonAsync("/api/documents/0123456789abcdef0123", new { kind = "other", expires = "2027-01-01" }), HttpStatusCode.NotFound);

        var id = all.GetProperty("items")[0].GetProperty("id").GetString();
        await ProblemAsync(await _client.SendAsync(Send(HttpMethod.Put, "/api/documents/" + id, new { kind = "other", expires = "2027-01-01" }, "W/\"datetime'2020-01-01T00%3A00%3A00Z'\"")), HttpStatusCode.PreconditionFailed);
        using var other = await _api.TenantAsync();
        await ProblemAsync(await other.GetAsync("/api/documents/" + id), HttpStatusCode.NotFound);
        await ProblemAsync(await other.DeleteAsync("/api/documents/" + id), HttpStatusCode.NotFound);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Numbers;

public sealed class NumbersApiTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync();
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Put_registers_a_number_in_canonical_form_and_get_reads_it_back()
    {
        var put = await _client.PutAsJsonAsync("/api/numbers/138-0013-8000", new
        {
            displayName = "Sales hotline",
            department = "Sales",
            tags = new[] { "Hotline", "华东" },
            cadence = "daily",
            platforms = new[] { "qihoo360", "baidu" },
        });

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/api/numbers/+8613800138000", put.Headers.Location?.OriginalString);
        Assert.NotNull(put.Headers.ETag);

        var get = await _client.GetAsync("/api/numbers/%2B86%20138%200013%208000");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await get.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+8613800138000", body.GetProperty("number").GetString());
        Assert.Equal("+86 138 0013 8000", body.GetProperty("internationalFormat").GetString());
        Assert.Equal("mobile", body.GetProperty("type").GetString());
        Assert.Equal("CN", body.GetProperty("region").GetString());
        Assert.Equal("Sales hotline", body.GetProperty("displayName").GetString());
        Assert.Equal("Sales", body.GetProperty("department").GetString());
        Assert.Equal(["hotline", "华东"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("daily", body.GetProperty("cadence").GetString());
        Assert.Equal(["qihoo360", "baidu"], body.GetProperty("platforms").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(body.GetProperty("labels").EnumerateArray());
    }

    [Fact]
    public async Task Put_is_idempotent_and_keeps_the_registration_date()
    {
        var first = await _client.PutAsJsonAsync("/api/numbers/010-65529988", new { displayName = "Front desk" });
        var created = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registeredAt").GetDateTimeOffset();

        var second = await _client.PutAsJsonAsync("/api/numbers/(010)%206552%209988", new { displayName = "Front desk" });
        var third = await _client.PutAsJsonAsync("/api/numbers/+861065529988", new { displayName = "Reception" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var body = await third.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(created, body.GetProperty("registeredAt").GetDateTimeOffset());
        Assert.Equal("Reception", body.GetProperty("displayName").GetString());

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/numbers");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Put_with_an_empty_body_registers_with_defaults()
    {
        using var content = new ByteArrayContent([]);
        var put = await _client.PutAsync("/api/numbers/95588", content);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var body = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+8695588", body.GetProperty("number").GetString());
        Assert.Equal("shortCode", body.GetProperty("type").GetString());
        Assert.Equal("auto", body.GetProperty("cadence").GetString());
    }

    [Fact]
    public async Task Region_query_parameter_parses_national_forms_of_other_countries()
    {
        var put = await _client.PutAsJsonAsync("/api/numbers/(212)%20555-0100?region=US", new { });

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("+12125550100", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/numbers/2125550100?region=XX"), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("not-a-number", "number")]
    [InlineData("12", "number")]
    [InlineData("110", "number")]
    [InlineData("13800138000x", "number")]
    public async Task Invalid_numbers_get_400_naming_the_field(string number, string field)
    {
        var response = await _client.PutAsJsonAsync("/api/numbers/" + Uri.EscapeDataString(number), new { });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.ToString());
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"displayName\": 5}", "not valid JSON")]
    [InlineData("[1,2]", "not valid JSON")]
    [InlineData("\"text\"", "not valid JSON")]
    [InlineData("{\"displayNme\": \"typo\"}", "displayNme")]
    [InlineData("{\"cadence\": \"hourly\"}", "cadence")]
    [InlineData("{\"cadence\": 1}", "cadence")]
    [InlineData("{\"tags\": \"one\"}", "tags")]
    [InlineData("{\"tags\": [\"<script>\"]}", "tags")]
    [InlineData("{\"platforms\": [\"myspace\"]}", "platforms")]
    [InlineData("{\"displayName\": \"a\\u0000b\"}", "displayName")]
    [InlineData("null", "JSON object")]
    public async Task Bad_bodies_get_400_problem_details(string json, string mention)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _client.PutAsync("/api/numbers/13800138001", content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(mention, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/numbers/13800138001")).StatusCode);
    }

    [Fact]
    public async Task Display_name_over_the_limit_is_rejected_and_nothing_is_stored()
    {
        var response = await _client.PutAsJsonAsync("/api/numbers/13800138002", new { displayName = new string('x', 101) });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/numbers/13800138002")).StatusCode);
    }

    [Fact]
    public async Task Body_over_the_limit_gets_413_and_keeps_the_stored_registration()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138003", new { displayName = "kept" });
        using var content = new StringContent("{\"displayName\":\"" + new string('x', 70_000) + "\"}", Encoding.UTF8, "application/json");

        var response = await _client.PutAsync("/api/numbers/13800138003", content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        var stored = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138003");
        Assert.Equal("kept", stored.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Non_json_content_type_gets_415()
    {
        using var content = new StringContent("displayName=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        await ProblemAssert.IsProblemAsync(await _client.PutAsync("/api/numbers/13800138004", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_number_gets_404_problem()
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/numbers/13900139000"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _client.DeleteAsync("/api/numbers/13900139000"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_removes_the_registration()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138005", new { });

        var delete = await _client.DeleteAsync("/api/numbers/+86%20138%200013%208005");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/numbers/13800138005")).StatusCode);
    }

    [Fact]
    public async Task ETags_guard_concurrent_updates()
    {
        var created = await _client.PutAsJsonAsync("/api/numbers/13800138006", new { displayName = "v1" });
        var etag = created.Headers.ETag!.Tag;

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/numbers/13800138006") { Content = JsonContent.Create(new { displayName = "v2" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"stale\""));
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        using var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/numbers/13800138006") { Content = JsonContent.Create(new { displayName = "v2" }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await _client.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.Tag);

        using var createOnly = new HttpRequestMessage(HttpMethod.Put, "/api/numbers/13800138006") { Content = JsonContent.Create(new { displayName = "v3" }) };
        createOnly.Headers.TryAddWithoutValidation("If-None-Match", "*");
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(createOnly), HttpStatusCode.PreconditionFailed);

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/numbers/13800138006");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(staleDelete), HttpStatusCode.PreconditionFailed);

        var current = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138006");
        Assert.Equal("v2", current.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task List_pages_with_continuation_tokens_and_filters_by_tag_and_department()
    {
        for (var i = 0; i < 7; i++)
        {
            var response = await _client.PutAsJsonAsync($"/api/numbers/1380013810{i}", new
            {
                department = i % 2 == 0 ? "Sales" : "Support",
                tags = i < 3 ? new[] { "vip" } : [],
            });
            Assert.True(response.IsSuccessStatusCode);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/numbers?pageSize=3" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await _client.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()!));
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"+861380013810{i}"), seen);

        var sales = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?department=Sales");
        Assert.Equal(4, sales.GetProperty("items").GetArrayLength());
        var vip = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?tag=VIP&pageSize=2");
        Assert.Equal(2, vip.GetProperty("items").GetArrayLength());
        var vipRest = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?tag=vip&pageSize=2&continuationToken=" + vip.GetProperty("continuationToken").GetString());
        Assert.Equal("+8613800138102", Assert.Single(vipRest.GetProperty("items").EnumerateArray()).GetProperty("number").GetString());
        var salesVip = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?tag=vip&department=Sales");
        Assert.Equal(2, salesVip.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=501")]
    [InlineData("pageSize=abc")]
    [InlineData("continuationToken=garbage!")]
    [InlineData("continuationToken=djE6JyBvciAxPTE")]
    [InlineData("tag=%3Cb%3E")]
    public async Task List_rejects_bad_query_parameters(string query)
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/numbers?" + query), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_with_problem_details()
    {
        var missing = await _client.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var wrongMethod = await _client.PatchAsync("/api/numbers/13800138000", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Notifications;
using NumberTrust.Simulator.Webhooks;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Notifications;

public sealed class SubscriptionsApiTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private LocalWebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync();
        _client = await _api.TenantAsync();
        _receiver = await LocalWebhookReceiver.StartAsync(new LocalWebhookReceiverOptions(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _api.DisposeAsync();
    }

    private static object Body(string name, string[]? types = null, string[]? emails = null, string[]? webhooks = null, object? filters = null) =>
        new { name, eventTypes = types ?? ["label.*"], filters, emails, webhooks };

    private async Task<(JsonElement Json, string ETag)> CreateAsync(object body)
    {
        var response = await _client.PostAsJsonAsync("/api/subscriptions", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Create_shows_the_secret_once_and_get_and_list_never_show_it()
    {
        var (created, etag) = await CreateAsync(Body("Fraud alerts", ["label.new", "label.category_changed"], ["ops@example.com"], [_receiver.UrlFor("/a").ToString()],
            new { platform = "qihoo360", minimumCategory = "harassment", tag = "vip", department = "Sales" }));

        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("sub_", id, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("Harassment", created.GetProperty("filters").GetProperty("minimumCategory").GetString());
        Assert.False(string.IsNullOrEmpty(etag));

        var read = await _client.GetAsync($"/api/subscriptions/{id}");
        var json = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(json.TryGetProperty("secret", out _));
        Assert.Equal(etag, read.Headers.ETag!.ToString());
        Assert.Equal(["label.new", "label.category_changed"], json.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task List_pages_with_continuation_tokens()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await CreateAsync(Body($"s{i}", emails: ["a@example.com"]))).Json.GetProperty("id").GetString()!);
        }

        var first = await _client.GetFromJsonAsync<JsonElement>("/api/subscriptions?pageSize=2");
        var token = first.GetProperty("continuationToken").GetString()!;
        var second = await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions?pageSize=2&continuationToken={token}");

        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed);
        Assert.False(second.TryGetProperty("continuationToken", out _));
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/subscriptions?continuationToken=bogus"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Every_known_event_type_and_group_wildcard_is_accepted()
    {
        var types = EventTypes.All.Select(t => t.Name).Concat(EventTypes.All.Select(t => t.Group + ".*").Distinct()).Append("*").ToArray();

        var (created, _) = await CreateAsync(Body("everything", types, ["a@example.com"]));

        Assert.Equal(types.Length, created.GetProperty("eventTypes").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"name":"x","eventTypes":["label.nope"],"emails":["a@example.com"]}""", "eventTypes")]
    [InlineData("""{"name":"x","eventTypes":[],"emails":["a@example.com"]}""", "eventTypes")]
    [InlineData("""{"name":"","eventTypes":["*"],"emails":["a@example.com"]}""", "name")]
    [InlineData("""{"name":"x","eventTypes":["*"]}""", "channels")]
    [InlineData("""{"name":"x","eventTypes":["*"],"emails":["not-an-address"]}""", "emails[0]")]
    [InlineData("""{"name":"x","eventTypes":["*"],"webhooks":["http://10.0.0.5/hook"]}""", "webhooks[0]")]
    [InlineData("""{"name":"x","eventTypes":["*"],"webhooks":["http://169.254.169.254/latest"]}""", "webhooks[0]")]
    [InlineData("""{"name":"x","eventTypes":["*"],"webhooks":["ftp://example.com/x"]}""", "webhooks[0]")]
    [InlineData("""{"name":"x","eventTypes":["*"],"emails":["a@example.com"],"filters":{"platform":"myspace"}}""", "filters.platform")]
    [InlineData("""{"name":"x","eventTypes":["*"],"emails":["a@example.com"],"filters":{"minimumCategory":"Awful"}}""", "filters.minimumCategory")]
    public async Task Bad_subscriptions_get_a_400_naming_the_field(string json, string field)
    {
        var response = await _client.PostAsync("/api/subscriptions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/subscriptions")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Stale_if_match_gets_412_and_the_current_etag_updates()
    {
        var (created, etag) = await CreateAsync(Body("first", emails: ["a@example.com"]));
        var id = created.GetProperty("id").GetString()!;

        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/subscriptions/{id}") { Content = JsonContent.Create(Body("second", emails: ["b@example.com"])) };
        update.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await _client.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.ToString());

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/subscriptions/{id}") { Content = JsonContent.Create(Body("third", emails: ["c@example.com"])) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/subscriptions/{id}");
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAssert.IsProblemAsync(await _client.SendAsync(delete), HttpStatusCode.PreconditionFailed);

        var current = await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}");
        Assert.Equal("second", current.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/subscriptions/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/subscriptions/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenants_subscription_is_not_found()
    {
        var (created, _) = await CreateAsync(Body("mine", emails: ["a@example.com"]));
        var other = await _api.TenantAsync();

        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/subscriptions/{created.GetProperty("id").GetString()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Test_sends_a_signed_ping_to_every_webhook_and_reports_each_channel()
    {
        var (created, _) = await CreateAsync(Body("pings", emails: ["ops@example.com"], webhooks: [_receiver.UrlFor("/ok").ToString(), _receiver.UrlFor("/gone").ToString()]));
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        _receiver.AddEndpoint("/ok", secret);
        _receiver.AddEndpoint("/gone", secret);
        _receiver.Script("/gone", new WebhookResponseScript(410));

        var result = await (await _client.PostAsync($"/api/subscriptions/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        var channels = result.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("target").GetString()!);
        Assert.True(channels[_receiver.UrlFor("/ok").ToString()].GetProperty("succeeded").GetBoolean());
        Assert.Equal(410, channels[_receiver.UrlFor("/gone").ToString()].GetProperty("statusCode").GetInt32());
        Assert.False(channels["ops@example.com"].GetProperty("succeeded").GetBoolean());
        Assert.Contains("not configured", channels["ops@example.com"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        var ping = Assert.Single(_receiver.Deliveries, d => d.Path == "/ok");
        Assert.True(ping.SignatureValid, ping.Problem);
        Assert.Equal(result.GetProperty("eventId").GetString(), ping.WebhookId);
        Assert.Equal("system.ping", JsonDocument.Parse(ping.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Rotation_signs_with_both_secrets_during_the_overlap()
    {
        var (created, _) = await CreateAsync(Body("rotating", webhooks: [_receiver.UrlFor("/old").ToString(), _receiver.UrlFor("/new").ToString()]));
        var id = created.GetProperty("id").GetString()!;
        var rotated = await _client.PostAsJsonAsync($"/api/subscriptions/{id}/secret", new { overlapHours = 2 });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var view = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = view.GetProperty("secret").GetString()!;
        Assert.NotEqual(created.GetProperty("secret").GetString(), newSecret);
        Assert.True(view.TryGetProperty("previousSecretExpiresAt", out _));
        _receiver.AddEndpoint("/old", created.GetProperty("secret").GetString()!);
        _receiver.AddEndpoint("/new", newSecret);

        await _client.PostAsync($"/api/subscriptions/{id}/test", null);

        Assert.All(_receiver.Deliveries, d => Assert.True(d.SignatureValid, d.Problem));
        Assert.Equal(2, _receiver.Deliveries.Count);
        Assert.Equal(2, _receiver.Deliveries[0].Signature!.Split(' ').Length);
        await ProblemAssert.IsProblemAsync(await _client.PostAsJsonAsync($"/api/subscriptions/{id}/secret", new { overlapHours = 1000 }), HttpStatusCode.BadRequest);
    }
}

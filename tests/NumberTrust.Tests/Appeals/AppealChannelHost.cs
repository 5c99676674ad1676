using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Simulator.Acs;
using NumberTrust.Simulator.Remediation;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// The local host in-process with the appeal channels on: baidu appeals go by email to the fake ACS endpoint, qihoo360 appeals to
/// the simulated remediation API, with retries and polls a few hundred milliseconds apart so every path runs in seconds.
/// </summary>
public sealed class AppealChannelHost : IAsyncDisposable
{
    public const string Sender = "DoNotReply@appeals.numbertrust.test";
    public const string BaiduDesk = "appeals@baidu.example.com";
    public const string SecretSetting = "Appeals:Secrets:Qihoo360";
    public static readonly byte[] PdfFile = [.. "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"u8];
    public static readonly byte[] PngFile = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private AppealChannelHost(ApiFactory api, AcsEmailSimulator? acs, RemediationApiSimulator remediation, ScriptedLabelSource source, HttpClient client, string tenantId)
    {
        TenantId = tenantId;
        Api = api;
        Acs = acs;
        Remediation = remediation;
        Source = source;
        Client = client;
    }

    public ApiFactory Api { get; }

    public AcsEmailSimulator? Acs { get; }

    public RemediationApiSimulator Remediation { get; }

    public ScriptedLabelSource Source { get; }

    public HttpClient Client { get; }

    public string TenantId { get; }

    public static async Task<AppealChannelHost> StartAsync(bool email = true, IDictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var acs = email
            ? await AcsEmailSimulator.StartAsync(new AcsEmailSimulatorOptions { PollRetryAfter = TimeSpan.FromMilliseconds(100) }, CancellationToken.None)
            : null;
        var remediation = await RemediationApiSimulator.StartAsync(new RemediationApiSimulatorOptions(), CancellationToken.None);
        var source = new ScriptedLabelSource("qihoo360", "baidu");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobs.LookupLabel.Disabled"] = "true",
            ["Appeals:Routes:baidu:Channel"] = "Email",
            ["Appeals:Routes:baidu:EmailAddress"] = BaiduDesk,
            ["Appeals:Routes:baidu:RequiredEvidence"] = "",
            ["Appeals:Routes:qihoo360:Channel"] = "Api",
            ["Appeals:Routes:qihoo360:ApiUrl"] = remediation.SubmitUrl.ToString(),
            ["Appeals:Routes:qihoo360:ApiAuthHeaderName"] = remediation.ApiKeyHeader,
            ["Appeals:Routes:qihoo360:ApiSecretSetting"] = SecretSetting,
            ["Appeals:Routes:qihoo360:RequiredEvidence"] = "",
            ["Appeals:Routes:qihoo360:FrequencyLimitDays"] = "0",
            [SecretSetting] = remediation.ApiKey,
            ["Appeals:Channels:FirstRetryDelay"] = "00:00:00.200",
            ["Appeals:Channels:MaxRetryDelay"] = "00:00:00.500",
            ["Appeals:Channels:PollInterval"] = "00:00:00.100",
            ["Appeals:Channels:RequestTimeout"] = "00:00:01",
            ["Appeals:Channels:EmailTimeout"] = "00:00:10",
        };
        if (acs is not null)
        {
            settings["Email:ConnectionString"] = acs.ConnectionString;
            settings["Email:SenderAddress"] = Sender;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var api = await ApiFactory.StartAsync(settings, services =>
        {
            services.AddSingleton<ILabelSource>(source);
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        });
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        return new AppealChannelHost(api, acs, remediation, source, await api.TenantAsync(tenantId), tenantId);
    }

    /// <summary>Registers the number, has a lookup see it labeled on the platform, and opens a draft appeal; returns its id.</summary>
    public async Task<string> DraftAsync(string number, string platform)
    {
        (await Client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360", "baidu" } })).Dispose();
        Source.Script(number, platform, Labeled("fraud", "诈骗电话", 12, "360手机卫士"));
        var job = Guid.NewGuid().ToString("N");
        await Api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(job, QueueMessageJson.Serialize(new LookupJobMessage(1, job, number, "CN", "Mobile", platform, DateTimeOffset.UtcNow, null, 0, null)), 1, null),
            CancellationToken.None);
        using var created = await Client.PostAsJsonAsync($"/api/numbers/{number}/appeals", new
        {
            platform,
            reason = "Our customer service line",
            contactName = "Li Wei",
            contactEmail = "li.wei@example.com",
            companyName = "Example Co",
            registrationId = "91310000MA1K000000",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task UploadAsync(string id, string kind, byte[] content, string mediaType)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await Client.PutAsync($"/api/appeals/{id}/evidence/{kind}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> SubmitAsync(string id)
    {
        using var submit = await Client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { });
        Assert.True(submit.StatusCode == HttpStatusCode.OK, await submit.Content.ReadAsStringAsync());
        return await submit.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> AppealAsync(string id) => await Client.GetFromJsonAsync<JsonElement>("/api/appeals/" + id);

    /// <summary>The reasons of the appeal's transitions, in order.</summary>
    public async Task<List<string>> WhysAsync(string id) =>
        (await AppealAsync(id)).GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("why").GetString()!).ToList();

    /// <summary>Polls the appeal until <paramref name="done"/> holds.</summary>
    public async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var appeal = await AppealAsync(id);
            if (done(appeal))
            {
                return appeal;
            }

            Assert.True(DateTime.UtcNow < deadline, $"appeal {id} did not reach '{what}': {appeal}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The appeal row's note holds <paramref name="text"/>. Wait on this rather than on a transition: a read takes the row first and
    /// the transitions and send after, so a row field that holds means the rest of that read holds it too.
    /// </summary>
    public static bool HasNote(JsonElement appeal, string text) =>
        appeal.TryGetProperty("note", out var note) && note.GetString()!.Contains(text, StringComparison.Ordinal);

    public static bool HasWhy(JsonElement appeal, string text) =>
        appeal.GetProperty("transitions").EnumerateArray().Any(t => t.GetProperty("why").GetString()!.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Remediation.DisposeAsync();
        if (Acs is not null)
        {
            await Acs.DisposeAsync();
        }
    }
}

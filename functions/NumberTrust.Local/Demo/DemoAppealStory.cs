using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using NumberTrust.Hosting;
using NumberTrust.Simulator;

namespace NumberTrust.Local.Demo;

/// <summary>
/// The demo's appeal, through the host's own HTTP API: once 360 shows the Field team number's 房产中介 label, a draft appeal is
/// filed and submitted, the simulated platform removes the label, two clean lookups (<c>Appeals:VerificationGap</c> apart,
/// 30 s in demo mode) resolve it, and then the label comes back, so the appeal is marked relabeled with a draft follow-up.
/// </summary>
public sealed partial class DemoAppealStory(IServer server, PlatformSimulator simulator, TimeProvider time, ILogger<DemoAppealStory> logger)
{
    public const string Number = "+8615000150000";
    public const string Platform = SimulatedPlatforms.Qihoo360;
    public const string LabelText = "房产中介";
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(3);

    public async Task RunAsync(string apiKey, TimeSpan within, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress(), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, apiKey);
        var until = time.GetUtcNow() + within;
        var number = Uri.EscapeDataString(Number);

        // Azurite may keep an earlier run's data: one appeal story per number, never a second.
        var existing = await http.GetFromJsonAsync<JsonElement>($"/api/appeals?number={number}&pageSize=1", cancellationToken);
        if (existing.GetProperty("items").GetArrayLength() > 0)
        {
            return;
        }

        // The appeal is refused (409/422) until a lookup has seen the label.
        string? id = null;
        while (id is null && time.GetUtcNow() < until)
        {
            using var created = await http.PostAsJsonAsync($"/api/numbers/{number}/appeals", new
            {
                platform = Platform, reason = "Our field team's own line, not a real-estate agent", contactName = "Demo Ops",
                contactEmail = "ops@demo.numbertrust.test", companyName = "Demo company", registrationId = "91310000MA1K000000",
                text = "This number belongs to Demo company's field service team; it does not make real-estate sales calls.", actor = "demo",
            }, cancellationToken);
            if (created.StatusCode == HttpStatusCode.Created)
            {
                id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString();
                break;
            }

            await Task.Delay(Poll, time, cancellationToken);
        }

        if (id is null)
        {
            return;
        }

        Log.Filed(logger, id, Number, Platform);
        // Demo evidence is not uploaded, so the checklist is overridden (recorded on the appeal as forced).
        using (var submitted = await http.PostAsJsonAsync($"/api/appeals/{id}/submit", new { actor = "demo", force = true }, cancellationToken))
        {
            submitted.EnsureSuccessStatusCode();
        }

        // The platform accepts the appeal: its lookups answer clean from now on.
        simulator.MarkAppealed(Platform, Number);
        if (await WaitForAsync(http, id, a => a.GetProperty("status").GetString() == "Resolved", until, cancellationToken) is not { } resolved)
        {
            return;
        }

        Log.Resolved(logger, id, resolved.GetProperty("transitions").EnumerateArray().Last().GetProperty("why").GetString() ?? "");

        // And the label comes back, as labels do: the verifier links it to the resolved appeal and opens a follow-up.
        simulator.Script(Platform, Number, NumberScript.Labeled(LabelText, 260));
        if (await WaitForAsync(http, id, a => a.TryGetProperty("followUpId", out var f) && f.ValueKind == JsonValueKind.String, until, cancellationToken) is { } relabeled)
        {
            Log.Relabeled(logger, id, relabeled.GetProperty("followUpId").GetString()!);
        }
    }

    private async Task<JsonElement?> WaitForAsync(HttpClient http, string id, Func<JsonElement, bool> done, DateTimeOffset until, CancellationToken cancellationToken)
    {
        while (time.GetUtcNow() < until)
        {
            var appeal = await http.GetFromJsonAsync<JsonElement>($"/api/appeals/{id}", cancellationToken);
            if (done(appeal))
            {
                return appeal;
            }

            await Task.Delay(Poll, time, cancellationToken);
        }

        return null;
    }

    private Uri BaseAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The host has no server address to call its own API on.");
        // A wildcard binding (http://+:7071, http://0.0.0.0:7071) is reached on loopback.
        var uri = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        return uri;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Demo mode: appeal {AppealId} filed and submitted for {Number} on {Platform}; the platform removes the label, two clean lookups will resolve it")]
        public static partial void Filed(ILogger logger, string appealId, string number, string platform);

        [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "Demo mode: appeal {AppealId} Resolved ({Why})")]
        public static partial void Resolved(ILogger logger, string appealId, string why);

        [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "Demo mode: the label came back; appeal {AppealId} is relabeled and draft follow-up {FollowUpId} carries its evidence")]
        public static partial void Relabeled(ILogger logger, string appealId, string followUpId);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;

namespace NumberTrust.Appeals;

/// <summary>Where a vendor says an appeal stands; <see cref="Failed"/> is our side's reading (timeout, HTTP error, unreadable answer).</summary>
public enum RemediationState
{
    Pending,
    Accepted,
    Rejected,
    Removed,
    Failed,
}

/// <summary>One answer of a remediation API, read into what the appeal needs.</summary>
public sealed record RemediationAnswer(
    RemediationState State, string? OperationId = null, Uri? Location = null, string? TicketNumber = null, string? Reason = null,
    TimeSpan? RetryAfter = null, string? Error = null)
{
    public static RemediationAnswer Failure(string error, TimeSpan? retryAfter = null) => new(RemediationState.Failed, Error: error, RetryAfter: retryAfter);
}

/// <summary>
/// The Api channel: a vendor's JSON remediation endpoint (the Telnyx pattern: POST the request, 202 with an operation id and
/// <c>Operation-Location</c>, poll until accepted or refused). The route gives the URL, the auth header's name and the app
/// setting that holds its value, as the JSON platform adapter does. <c>Idempotency-Key</c> is the appeal id, so a POST repeated after
/// a crash maps to the vendor's first operation. Credentials go only to the ApiUrl's own host (redirects are not followed).
/// </summary>
public sealed class RemediationApiClient(IHttpClientFactory clients, IConfiguration configuration, IOptionsMonitor<AppealsOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "appeal-remediation-api";

    private const int MaxAnswerBytes = 64 * 1024;

    /// <summary>The value of the route's auth header, or the problem (a named setting that is missing).</summary>
    public (string? Value, string? Problem) Secret(AppealRoute route)
    {
        if (string.IsNullOrWhiteSpace(route.ApiAuthHeaderName))
        {
            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(route.ApiSecretSetting))
        {
            return (null, $"route {route.Platform} names the auth header {route.ApiAuthHeaderName} but no ApiSecretSetting holding its value");
        }

        return SecretSetting.Clean(configuration[route.ApiSecretSetting]) is { } value
            ? (value, null)
            : (null, $"the app setting {route.ApiSecretSetting} (the {route.ApiAuthHeaderName} value of route {route.Platform}) is not set or is an unresolved Key Vault reference");
    }

    public async Task<RemediationAnswer> SubmitAsync(AppealEntity appeal, AppealRoute route, CancellationToken cancellationToken)
    {
        var url = new Uri(route.ApiUrl!);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(BodyOf(appeal, route).ToJsonString(ApiJson.Options), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", appeal.Id);
        return await SendAsync(request, route, url, cancellationToken);
    }

    public async Task<RemediationAnswer> PollAsync(AppealRoute route, Uri location, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        return await SendAsync(request, route, new Uri(route.ApiUrl!), cancellationToken);
    }

    /// <summary>The JSON the vendor receives: the packet text and facts, the contact, and the evidence by kind, type, size and SHA-256.</summary>
    public static JsonObject BodyOf(AppealEntity appeal, AppealRoute route)
    {
        var evidence = new JsonArray();
        foreach (var (kind, file) in appeal.Evidence.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            evidence.Add(new JsonObject { ["kind"] = kind, ["contentType"] = file.ContentType, ["size"] = file.Size, ["sha256"] = file.Sha256 });
        }

        return new JsonObject
        {
            ["appealId"] = appeal.Id,
            ["number"] = appeal.Number,
            ["platform"] = appeal.Platform,
            ["language"] = route.Language,
            ["reason"] = appeal.Reason,
            ["text"] = AppealPacket.TextOf(appeal, route.Language),
            ["labelText"] = appeal.LabelText,
            ["companyName"] = appeal.CompanyName,
            ["registrationId"] = appeal.RegistrationId,
            ["contact"] = new JsonObject { ["name"] = appeal.ContactName, ["phone"] = appeal.ContactPhone, ["email"] = appeal.ContactEmail },
            ["evidence"] = evidence,
        };
    }

    private async Task<RemediationAnswer> SendAsync(HttpRequestMessage request, AppealRoute route, Uri apiUrl, CancellationToken cancellationToken)
    {
        var (secret, problem) = Secret(route);
        if (problem is not null)
        {
            return RemediationAnswer.Failure(problem);
        }

        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation(route.ApiAuthHeaderName!, secret);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var timeout = options.CurrentValue.Channels.RequestTimeout;
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = await ReadAsync(response, linked.Token);
            var retryAfter = response.Headers.RetryAfter?.Delta ??
                (response.Headers.RetryAfter?.Date is { } date ? date - clock.GetUtcNow() : null);
            if (!response.IsSuccessStatusCode)
            {
                return RemediationAnswer.Failure($"HTTP {(int)response.StatusCode} from {request.Method} {Display.Shorten(apiUrl.GetLeftPart(UriPartial.Path), 200)}: {Excerpt(body)}", retryAfter);
            }

            return Read(body, response, apiUrl, retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RemediationAnswer.Failure($"no answer from {apiUrl.GetLeftPart(UriPartial.Authority)} within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return RemediationAnswer.Failure($"{apiUrl.GetLeftPart(UriPartial.Authority)} could not be reached: {e.Message}");
        }
    }

    private static RemediationAnswer Read(byte[] body, HttpResponseMessage response, Uri apiUrl, TimeSpan? retryAfter)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return RemediationAnswer.Failure($"unreadable JSON from {apiUrl.GetLeftPart(UriPartial.Authority)} (HTTP {(int)response.StatusCode}): {e.Message}", retryAfter);
        }

        if (json is not JsonObject root)
        {
            return RemediationAnswer.Failure($"the answer of {apiUrl.GetLeftPart(UriPartial.Authority)} is not a JSON object: {Excerpt(body)}", retryAfter);
        }

        var id = Text(root, "id") ?? Text(root, "operationId");
        var header = response.Headers.TryGetValues("Operation-Location", out var values) ? values.FirstOrDefault() : response.Headers.Location?.ToString();
        var location = header is not null && Uri.TryCreate(apiUrl, header, out var given) && SameAuthority(given, apiUrl)
            ? given
            : id is not null ? new Uri(apiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(id)) : null;
        var status = Text(root, "status")?.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        var state = status switch
        {
            null when location is not null => RemediationState.Pending,
            "pending" or "queued" or "running" or "notstarted" or "not_started" or "submitted" or "processing" or "in_progress" => RemediationState.Pending,
            "accepted" or "requires_review" or "in_review" or "inreview" or "under_review" => RemediationState.Accepted,
            "rejected" or "refused" or "denied" => RemediationState.Rejected,
            "removed" or "resolved" => RemediationState.Removed,
            _ => RemediationState.Failed,
        };
        if (state == RemediationState.Failed)
        {
            return RemediationAnswer.Failure(status is null
                ? $"the answer of {apiUrl.GetLeftPart(UriPartial.Authority)} has neither a status nor an operation id: {Excerpt(body)}"
                : $"unknown status '{Display.Shorten(status, 60)}' from {apiUrl.GetLeftPart(UriPartial.Authority)}", retryAfter);
        }

        if (state == RemediationState.Pending && location is null)
        {
            return RemediationAnswer.Failure($"{apiUrl.GetLeftPart(UriPartial.Authority)} accepted the appeal without an operation id or Operation-Location to poll", retryAfter);
        }

        return new RemediationAnswer(state, id, location, Text(root, "ticketNumber") ?? Text(root, "ticket"), Text(root, "reason") ?? Text(root, "message"), retryAfter);
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0 && buffer.Length < MaxAnswerBytes)
        {
            buffer.Write(chunk, 0, Math.Min(read, MaxAnswerBytes - (int)buffer.Length));
        }

        return buffer.ToArray();
    }

    private static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.GetLeftPart(UriPartial.Authority), b.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonObject root, string name) =>
        root.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0
            ? Display.Shorten(text.Trim(), 200)
            : null;

    private static string Excerpt(byte[] body) => body.Length == 0 ? "(empty body)" : Display.Shorten(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)), 200);
}

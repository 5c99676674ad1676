using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NumberTrust.Notifications.Email;
using NumberTrust.Simulator.Acs;
using static NumberTrust.Tests.Notifications.EmailTestData;

namespace NumberTrust.Tests.Notifications;

/// <summary>The fake ACS endpoint itself: it must refuse what the real service refuses, or the client tests prove nothing.</summary>
public sealed class AcsEmailSimulatorTests
{
    public enum Tamper
    {
        None,
        Signature,
        Body,
        Date,
        MissingContentHash,
        MissingDate,
        Stale,
        WrongHost,
    }

    [Theory]
    [InlineData(Tamper.None, HttpStatusCode.Accepted, null)]
    [InlineData(Tamper.Signature, HttpStatusCode.Unauthorized, "signature does not match")]
    [InlineData(Tamper.Body, HttpStatusCode.Unauthorized, "x-ms-content-sha256 does not match")]
    [InlineData(Tamper.Date, HttpStatusCode.Unauthorized, "signature does not match")]
    [InlineData(Tamper.MissingContentHash, HttpStatusCode.Unauthorized, "x-ms-content-sha256 is missing")]
    [InlineData(Tamper.MissingDate, HttpStatusCode.Unauthorized, "x-ms-date is missing")]
    [InlineData(Tamper.Stale, HttpStatusCode.Unauthorized, "stale")]
    [InlineData(Tamper.WrongHost, HttpStatusCode.Unauthorized, "signature does not match")]
    public async Task The_simulator_checks_the_hmac_signature_byte_for_byte(Tamper tamper, HttpStatusCode expected, string? reason)
    {
        await using var acs = await StartAcsAsync();
        using var http = new HttpClient();

        using var response = await PostSignedAsync(http, acs, Guid.NewGuid(), tamper);

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (reason is null)
        {
            Assert.Single(acs.Mailbox);
            return;
        }

        Assert.Equal("Denied", response.Headers.GetValues("x-ms-error-code").Single());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Denied", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(reason, json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(acs.Mailbox);
    }

    [Fact]
    public async Task The_same_operation_id_posted_twice_gives_one_mailbox_entry_and_the_same_operation()
    {
        await using var acs = await StartAcsAsync();
        using var http = new HttpClient();
        var id = Guid.NewGuid();

        using var first = await PostSignedAsync(http, acs, id, Tamper.None);
        using var second = await PostSignedAsync(http, acs, id, Tamper.None);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(id.ToString("D"), (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(id.ToString("D"), (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(first.Headers.GetValues("Operation-Location").Single(), second.Headers.GetValues("Operation-Location").Single());
        Assert.Equal(id.ToString("D"), Assert.Single(acs.Mailbox).OperationId);
    }

    [Fact]
    public async Task The_mailbox_is_readable_and_clearable_over_http_and_reported_to_the_host()
    {
        var reported = new List<AcsMail>();
        await using var acs = await StartAcsAsync(o => o.OnMail = reported.Add);
        var client = Client(acs);
        await client.SendAsync(Azure.WaitUntil.Started, Message("first"), CancellationToken.None);
        await client.SendAsync(Azure.WaitUntil.Started, Message("second"), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = acs.Endpoint };

        var mailbox = await http.GetFromJsonAsync<JsonElement>("/_acs/mailbox");

        Assert.Equal(["first", "second"], mailbox.EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.Equal("evidence.txt", mailbox[0].GetProperty("attachments")[0].GetProperty("name").GetString());
        Assert.Equal(["first", "second"], reported.Select(m => m.Subject));

        using var cleared = await http.DeleteAsync("/_acs/mailbox");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(acs.Mailbox);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/_acs/mailbox")).EnumerateArray());
    }

    [Fact]
    public async Task The_connection_string_points_at_the_loopback_port_with_the_key()
    {
        await using var acs = await StartAcsAsync();

        Assert.Matches(@"^endpoint=http://127\.0\.0\.1:\d+;accesskey=[A-Za-z0-9+/]+=*$", acs.ConnectionString);
        Assert.Contains(acs.AccessKey, acs.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_api_version_is_refused()
    {
        await using var acs = await StartAcsAsync();
        using var http = new HttpClient();
        var uri = new Uri(acs.Endpoint, "/emails/operations/" + Guid.NewGuid());
        var signature = AcsHmacAuthenticationPolicy.Sign("GET", uri, [], DateTimeOffset.UtcNow, Convert.FromBase64String(acs.AccessKey));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        AddSignature(request, signature);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingApiVersionParameter", response.Headers.GetValues("x-ms-error-code").Single());
    }

    private static async Task<HttpResponseMessage> PostSignedAsync(HttpClient http, AcsEmailSimulator acs, Guid operationId, Tamper tamper)
    {
        var uri = new Uri(acs.Endpoint, "/emails:send?api-version=2023-03-31");
        var body = EmailRequestBody.Serialize(Message());
        var signedAt = tamper == Tamper.Stale ? DateTimeOffset.UtcNow.AddMinutes(-16) : DateTimeOffset.UtcNow;
        var signature = AcsHmacAuthenticationPolicy.Sign("POST", uri, body, signedAt, Convert.FromBase64String(acs.AccessKey));
        if (tamper == Tamper.Body)
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("harassment", "fraud", StringComparison.Ordinal));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Operation-Id", operationId.ToString("D"));
        AddSignature(request, signature with
        {
            Authorization = tamper == Tamper.Signature ? FlipLastSignatureCharacter(signature.Authorization) : signature.Authorization,
            Date = tamper == Tamper.Date ? DateTimeOffset.UtcNow.AddSeconds(-30).ToString("r") : signature.Date,
        });
        if (tamper == Tamper.MissingContentHash)
        {
            request.Headers.Remove("x-ms-content-sha256");
        }

        if (tamper == Tamper.MissingDate)
        {
            request.Headers.Remove("x-ms-date");
        }

        if (tamper == Tamper.WrongHost)
        {
            request.Headers.Host = $"localhost:{acs.Endpoint.Port}";
        }

        return await http.SendAsync(request);
    }

    private static void AddSignature(HttpRequestMessage request, AcsSignature signature)
    {
        request.Headers.TryAddWithoutValidation("x-ms-date", signature.Date);
        request.Headers.TryAddWithoutValidation("x-ms-content-sha256", signature.ContentHash);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    private static string FlipLastSignatureCharacter(string authorization)
    {
        // The last character before any '=' padding: changing it changes the decoded signature.
        var index = authorization.TrimEnd('=').Length - 1;
        var replacement = authorization[index] == 'A' ? 'B' : 'A';
        return authorization[..index] + replacement + authorization[(index + 1)..];
    }
}

using System.Security.Cryptography;
using Azure;
using Azure.Core.Pipeline;
using NumberTrust.Notifications.Email;
using NumberTrust.Simulator.Acs;
using static NumberTrust.Tests.Notifications.EmailTestData;

namespace NumberTrust.Tests.Notifications;

public sealed class EmailClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Send_signed_with_the_access_key_is_accepted_and_polled_to_succeeded()
    {
        await using var acs = await StartAcsAsync();
        acs.HoldOperations(1, runningPolls: 2);
        var client = Client(acs);
        var id = EmailOperationIds.For("sub-1", "email", "evt-1");

        var operation = await client.SendAsync(WaitUntil.Completed, Message(), id, None);

        Assert.True(operation.HasCompleted);
        Assert.True(operation.HasValue);
        Assert.Equal(EmailSendStatus.Succeeded, operation.Value.Status);
        Assert.Equal(id.ToString("D"), operation.Id);
        var requests = acs.Requests;
        Assert.Equal(["GET 404", "POST 202", "GET 200", "GET 200", "GET 200"], requests.Select(r => $"{r.Method} {r.Status}"));
        Assert.All(requests, r => Assert.Equal("HMAC-SHA256", r.AuthScheme));
        Assert.Equal(id.ToString("D"), requests.Single(r => r.Method == "POST").OperationId);

        var mail = Assert.Single(acs.Mailbox);
        Assert.Equal(id.ToString("D"), mail.OperationId);
        Assert.Equal(Sender, mail.From);
        Assert.Equal([new AcsMailAddress("ops@tenant.example", "Ops")], mail.To);
        Assert.Equal([new AcsMailAddress("cc@tenant.example", null)], mail.Cc);
        Assert.Equal([new AcsMailAddress("audit@tenant.example", null)], mail.Bcc);
        Assert.Equal([new AcsMailAddress("support@numbertrust.example", "NumberTrust support")], mail.ReplyTo);
        Assert.Equal("New spam label on +86 10 1234 5678", mail.Subject);
        Assert.Equal("Baidu now labels the number as harassment.", mail.PlainText);
        Assert.Equal("<p>Baidu now labels the number as <b>harassment</b>.</p>", mail.Html);
        Assert.Equal([new AcsMailAttachment("evidence.txt", "text/plain", "label: harassment (37 reports)".Length)], mail.Attachments);
        Assert.Equal("evt-1", mail.Headers["X-NumberTrust-Event"]);
    }

    [Fact]
    public async Task A_wrong_access_key_is_refused_with_status_and_error_code()
    {
        await using var acs = await StartAcsAsync();
        var wrongKey = $"endpoint={acs.Endpoint};accesskey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";
        var client = new EmailClient(wrongKey, new EmailClientOptions());

        var error = await Assert.ThrowsAsync<EmailRequestFailedException>(() => client.SendAsync(WaitUntil.Started, Message(), None));

        Assert.Equal(401, error.Status);
        Assert.Equal("Denied", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Contains("signature does not match", error.Message, StringComparison.Ordinal);
        Assert.Empty(acs.Mailbox);
    }

    [Fact]
    public async Task A_throttled_send_waits_the_retry_after_before_posting_again()
    {
        var clock = new RecordingClock();
        await using var acs = await StartAcsAsync(o => o.TimeProvider = clock);
        acs.ThrottleSends(1, TimeSpan.FromSeconds(7));
        var client = Client(acs, clock);

        var sending = client.SendAsync(WaitUntil.Started, Message(), EmailOperationIds.For("sub-1", "email", "evt-429"), None);
        var asked = await clock.NextTimerAsync();

        Assert.Equal(TimeSpan.FromSeconds(7), asked);
        Assert.False(sending.IsCompleted);
        Assert.Equal(["GET 404", "POST 429"], acs.Requests.Select(r => $"{r.Method} {r.Status}"));

        clock.Advance(TimeSpan.FromSeconds(7));
        var operation = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        var posts = acs.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal([429, 202], posts.Select(p => p.Status));
        Assert.Equal(TimeSpan.FromSeconds(7), posts[1].ReceivedAt - posts[0].ReceivedAt);
        Assert.Equal(posts[0].OperationId, posts[1].OperationId);
        Assert.Equal(operation.Id, Assert.Single(acs.Mailbox).OperationId);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_client_waits_in_place_is_handed_to_the_caller()
    {
        await using var acs = await StartAcsAsync();
        acs.ThrottleSends(1, TimeSpan.FromMinutes(10));
        var client = Client(acs);

        var error = await Assert.ThrowsAsync<EmailRequestFailedException>(() => client.SendAsync(WaitUntil.Started, Message(), None));

        Assert.Equal(429, error.Status);
        Assert.Equal("TooManyRequests", error.ErrorCode);
        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Single(acs.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Polling_waits_the_retry_after_the_service_asks_for()
    {
        var clock = new RecordingClock();
        await using var acs = await StartAcsAsync(o =>
        {
            o.TimeProvider = clock;
            o.PollRetryAfter = TimeSpan.FromSeconds(3);
        });
        acs.HoldOperations(1, runningPolls: 1);
        var client = Client(acs, clock, o => o.PollingInterval = TimeSpan.FromHours(1));

        var sending = client.SendAsync(WaitUntil.Completed, Message(), EmailOperationIds.For("sub-1", "email", "evt-poll"), None);

        Assert.Equal(TimeSpan.FromSeconds(3), await clock.NextTimerAsync());
        Assert.Equal(["GET 404", "POST 202"], acs.Requests.Select(r => $"{r.Method} {r.Status}"));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(3));
        var operation = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(EmailSendStatus.Succeeded, operation.Value.Status);
        var requests = acs.Requests;
        Assert.Equal(4, requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), requests[2].ReceivedAt - requests[1].ReceivedAt);
        Assert.Equal(TimeSpan.FromSeconds(3), requests[3].ReceivedAt - requests[2].ReceivedAt);
    }

    [Fact]
    public async Task An_operation_that_ends_failed_surfaces_as_a_failure()
    {
        await using var acs = await StartAcsAsync();
        acs.FailOperations(2, "EmailDroppedAllRecipientsSuppressed", "Every recipient is suppressed.");
        var client = Client(acs);

        var completed = await Assert.ThrowsAsync<EmailRequestFailedException>(() => client.SendAsync(WaitUntil.Completed, Message(), None));
        Assert.Equal(EmailSendStatus.Failed, completed.OperationStatus);
        Assert.Equal("EmailDroppedAllRecipientsSuppressed", completed.ErrorCode);
        Assert.False(completed.IsTransient);
        Assert.Contains("Every recipient is suppressed.", completed.Message, StringComparison.Ordinal);

        var started = await client.SendAsync(WaitUntil.Started, Message(), None);
        Assert.False(started.HasCompleted);
        var waited = await Assert.ThrowsAsync<EmailRequestFailedException>(async () => await started.WaitForCompletionAsync(None));
        Assert.Equal(started.Id, waited.OperationId);
        Assert.True(started.HasCompleted);
        Assert.False(started.HasValue);
        Assert.Throws<EmailRequestFailedException>(() => started.Value);
        Assert.Empty(acs.Mailbox);
    }

    [Fact]
    public async Task Server_errors_on_send_are_retried_under_the_same_operation_id()
    {
        await using var acs = await StartAcsAsync();
        acs.FailSends(2, 500);
        var client = Client(acs);
        var id = EmailOperationIds.For("sub-1", "email", "evt-500");

        var operation = await client.SendAsync(WaitUntil.Completed, Message(), id, None);

        Assert.Equal(EmailSendStatus.Succeeded, operation.Value.Status);
        var posts = acs.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal([500, 500, 202], posts.Select(p => p.Status));
        Assert.All(posts, p => Assert.Equal(id.ToString("D"), p.OperationId));
        Assert.Single(acs.Mailbox);
    }

    [Fact]
    public async Task Server_errors_beyond_the_retry_budget_fail_with_status_and_code()
    {
        await using var acs = await StartAcsAsync();
        acs.FailSends(5, 503);
        var client = Client(acs, configure: o => o.Retry.MaxRetries = 1);

        var error = await Assert.ThrowsAsync<EmailRequestFailedException>(() => client.SendAsync(WaitUntil.Started, Message(), None));

        Assert.Equal(503, error.Status);
        Assert.Equal("InternalServerError", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Equal(2, acs.Requests.Count(r => r.Method == "POST"));
        Assert.Empty(acs.Mailbox);
    }

    [Fact]
    public async Task Sending_again_under_a_known_operation_id_checks_the_status_and_does_not_post()
    {
        await using var acs = await StartAcsAsync();
        var client = Client(acs);
        var id = EmailOperationIds.For("sub-1", "email", "evt-redelivered");

        var first = await client.SendAsync(WaitUntil.Completed, Message(), id, None);
        var second = await client.SendAsync(WaitUntil.Completed, Message(), id, None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(EmailSendStatus.Succeeded, second.Value.Status);
        Assert.Single(acs.Requests, r => r.Method == "POST");
        Assert.Equal(200, acs.Requests.Last().Status);
        Assert.Single(acs.Mailbox);
    }

    [Fact]
    public async Task An_operation_known_only_by_id_reads_its_status_and_an_unknown_one_is_not_found()
    {
        await using var acs = await StartAcsAsync();
        var client = Client(acs);
        var sent = await client.SendAsync(WaitUntil.Started, Message(), None);

        var rehydrated = new EmailSendOperation(sent.Id, client);
        Assert.Throws<InvalidOperationException>(() => rehydrated.GetRawResponse());
        var response = await rehydrated.WaitForCompletionAsync(None);
        Assert.Equal(EmailSendStatus.Succeeded, response.Value.Status);

        var unknown = new EmailSendOperation(Guid.NewGuid().ToString("D"), client);
        var error = await Assert.ThrowsAsync<EmailRequestFailedException>(async () => await unknown.UpdateStatusAsync(None));
        Assert.Equal(404, error.Status);
        Assert.Equal("NotFound", error.ErrorCode);
    }

    [Fact]
    public async Task The_synchronous_poll_reads_the_same_status()
    {
        await using var acs = await StartAcsAsync();
        acs.HoldOperations(1, runningPolls: 1);
        var client = Client(acs);
        var sent = await client.SendAsync(WaitUntil.Started, Message(), None);

        sent.UpdateStatus(None);
        Assert.False(sent.HasCompleted);
        var result = sent.WaitForCompletion(None);

        Assert.Equal(EmailSendStatus.Succeeded, result.Value.Status);
    }

    [Fact]
    public async Task The_bearer_path_sends_a_token_for_the_acs_scope_over_https()
    {
        using var certificate = TestCertificates.Loopback();
        await using var acs = await StartAcsAsync(o =>
        {
            o.Certificate = certificate;
            o.BearerToken = "token-for-acs";
        });
        var credential = new FakeTokenCredential("token-for-acs");
        var options = new EmailClientOptions();
        options.Retry.Delay = TimeSpan.Zero;
        // Trust exactly the test's certificate, nothing else.
        options.Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
        });
        var client = new EmailClient(acs.Endpoint, credential, options);

        var operation = await client.SendAsync(WaitUntil.Completed, Message(), EmailOperationIds.For("sub-1", "email", "evt-mi"), None);

        Assert.Equal(EmailSendStatus.Succeeded, operation.Value.Status);
        Assert.StartsWith("https://", acs.Endpoint.ToString(), StringComparison.Ordinal);
        Assert.All(acs.Requests, r => Assert.Equal("Bearer", r.AuthScheme));
        Assert.Equal(["https://communication.azure.com//.default"], credential.RequestedScopes.Distinct(new ScopeComparer()).Single());
        Assert.Single(acs.Mailbox);
    }

    [Fact]
    public async Task A_wrong_bearer_token_is_refused()
    {
        using var certificate = TestCertificates.Loopback();
        await using var acs = await StartAcsAsync(o =>
        {
            o.Certificate = certificate;
            o.BearerToken = "token-for-acs";
        });
        var options = new EmailClientOptions();
        options.Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
        });
        var client = new EmailClient(acs.Endpoint, new FakeTokenCredential("someone-elses-token"), options);

        var error = await Assert.ThrowsAsync<EmailRequestFailedException>(() => client.SendAsync(WaitUntil.Started, Message(), None));

        Assert.Equal(401, error.Status);
        Assert.Empty(acs.Mailbox);
    }

    [Fact]
    public async Task A_message_over_10_MB_is_refused_before_anything_is_sent()
    {
        await using var acs = await StartAcsAsync();
        var client = Client(acs);
        var message = Message();
        // 8 MB of attachment is about 10.7 MB once base64-encoded.
        message.Attachments.Add(new EmailAttachment("export.csv", "text/csv", BinaryData.FromBytes(new byte[8 * 1024 * 1024])));

        var error = await Assert.ThrowsAsync<EmailMessageTooLargeException>(() => client.SendAsync(WaitUntil.Started, message, Guid.NewGuid(), None));

        Assert.True(error.Size > error.Limit);
        Assert.Equal(10 * 1024 * 1024, error.Limit);
        Assert.Empty(acs.Requests);
    }

    [Fact]
    public async Task A_message_without_a_body_or_recipients_is_refused_before_sending()
    {
        await using var acs = await StartAcsAsync();
        var client = Client(acs);
        var noBody = new EmailMessage(Sender, "ops@tenant.example", new EmailContent("Subject only"));
        var noRecipients = new EmailMessage(Sender, new EmailRecipients(), new EmailContent("Hello") { PlainText = "text" });

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(WaitUntil.Started, noBody, None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(WaitUntil.Started, noRecipients, None));
        Assert.Empty(acs.Requests);
    }

    private sealed class ScopeComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => obj.Length;
    }
}

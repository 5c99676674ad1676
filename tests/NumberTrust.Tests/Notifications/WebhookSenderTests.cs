using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Notifications.Webhooks;
using NumberTrust.Simulator.Webhooks;

namespace NumberTrust.Tests.Notifications;

/// <summary>The sender against the local receiver: real loopback connections, the receiver checking every signature.</summary>
public sealed class WebhookSenderTests
{
    private const string Path = "/hooks/tenant-1";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"label.new\",\"timestamp\":\"2026-11-30T08:00:00Z\",\"data\":{\"number\":\"+861012345678\"}}");

    [Fact]
    public async Task A_signed_delivery_is_accepted_and_recorded_with_its_headers()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_1", secret), None);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, result.Outcome);
        Assert.True(result.IsSuccess);
        Assert.Equal(204, result.StatusCode);
        Assert.True(result.Latency > TimeSpan.Zero);
        var delivery = Assert.Single(receiver.Deliveries);
        Assert.True(delivery.SignatureValid, delivery.Problem);
        Assert.Equal("msg_1", delivery.WebhookId);
        Assert.Equal(Encoding.UTF8.GetString(Body), delivery.Body);
        Assert.Equal("application/json", delivery.ContentType);
        Assert.Equal("NumberTrust-Webhooks/1.0", delivery.UserAgent);
        Assert.StartsWith("v1,", delivery.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public async Task During_rotation_a_receiver_holding_only_the_new_secret_accepts()
    {
        var old = WebhookSecret.Generate();
        var fresh = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, fresh.Value);
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(new WebhookDelivery(url, "msg_rot", Body, [old, fresh]), None);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, Assert.Single(receiver.Deliveries).Signature!.Split(' ').Length);
    }

    [Fact]
    public async Task A_receiver_with_another_secret_refuses_and_records_it_invalid()
    {
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, WebhookSecret.Generate().Value);
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_bad", WebhookSecret.Generate()), None);

        Assert.Equal(WebhookAttemptOutcome.HttpError, result.Outcome);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains("No signature matches", result.BodyExcerpt, StringComparison.Ordinal);
        Assert.False(Assert.Single(receiver.Deliveries).SignatureValid);
    }

    [Fact]
    public async Task The_receiver_refuses_a_timestamp_outside_its_tolerance()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        using var sender = Sender(WebhookUrlPolicy.LocalHost, time: new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10)));

        var result = await sender.SendAsync(Delivery(url, "msg_old", secret), None);

        Assert.Equal(401, result.StatusCode);
        Assert.Contains("tolerance", Assert.Single(receiver.Deliveries).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, WebhookAttemptOutcome.Succeeded)]
    [InlineData(202, WebhookAttemptOutcome.Succeeded)]
    [InlineData(400, WebhookAttemptOutcome.HttpError)]
    [InlineData(404, WebhookAttemptOutcome.HttpError)]
    [InlineData(500, WebhookAttemptOutcome.HttpError)]
    [InlineData(503, WebhookAttemptOutcome.HttpError)]
    [InlineData(410, WebhookAttemptOutcome.Gone)]
    public async Task The_status_of_the_answer_decides_the_outcome(int status, WebhookAttemptOutcome expected)
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Status: status, Body: $"answer {status}"));
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_status", secret), None);

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal($"answer {status}", result.BodyExcerpt);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task A_429_reports_the_retry_after_in_seconds()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Status: 429, RetryAfter: TimeSpan.FromSeconds(120)));
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_429", secret), None);

        Assert.Equal(WebhookAttemptOutcome.HttpError, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task A_retry_after_date_is_reported_as_the_time_left_on_the_senders_clock()
    {
        var secret = WebhookSecret.Generate();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Status: 503, RetryAfterDate: now.AddSeconds(90)));
        using var sender = Sender(WebhookUrlPolicy.LocalHost, time: new FakeTimeProvider(now));

        var result = await sender.SendAsync(Delivery(url, "msg_503", secret), None);

        Assert.Equal(503, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
    }

    [Fact]
    public async Task A_receiver_slower_than_the_timeout_gives_timeout()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Delay: TimeSpan.FromMinutes(2)));
        using var sender = Sender(WebhookUrlPolicy.LocalHost, new WebhookSenderOptions { Timeout = TimeSpan.FromSeconds(1) });

        var result = await sender.SendAsync(Delivery(url, "msg_slow", secret), None);

        Assert.Equal(WebhookAttemptOutcome.Timeout, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.True(result.Latency < TimeSpan.FromMinutes(1), $"gave up after {result.Latency}");
    }

    [Fact]
    public async Task A_closed_port_gives_connection_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(new Uri($"http://127.0.0.1:{port}/hook"), "msg_closed", WebhookSecret.Generate()), None);

        Assert.Equal(WebhookAttemptOutcome.ConnectionRefused, result.Outcome);
        Assert.Null(result.StatusCode);
    }

    [Fact]
    public async Task A_redirect_is_reported_and_not_followed()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        var target = receiver.AddEndpoint("/hooks/elsewhere", secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Status: 307, RedirectTo: target.ToString()));
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_redirect", secret), None);

        Assert.Equal(WebhookAttemptOutcome.Redirect, result.Outcome);
        Assert.Equal(307, result.StatusCode);
        Assert.Contains(target.ToString(), result.Detail, StringComparison.Ordinal);
        Assert.Equal(Path, Assert.Single(receiver.Deliveries).Path);
    }

    [Fact]
    public async Task Only_the_first_4_KiB_of_a_large_answer_is_read()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        // 1 TiB: a sender reading it all would end in Timeout, never in Succeeded.
        receiver.Script(Path, new WebhookResponseScript(Status: 200, BodyBytes: 1L << 40));
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(url, "msg_large", secret), None);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, result.Outcome);
        Assert.Equal(4096, result.BodyBytesRead);
        Assert.Equal(new string('x', 256), result.BodyExcerpt);
        // The rest was never fetched: the connection closed under the receiver's write.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (receiver.IncompleteResponses == 0)
        {
            await Task.Delay(20, wait.Token);
        }
    }

    [Fact]
    public async Task A_bad_certificate_gives_tls_failure_and_azure_mode_refuses_loopback_before_connecting()
    {
        var secret = WebhookSecret.Generate();
        using var certificate = TestCertificates.Loopback();
        await using var receiver = await StartReceiverAsync(o => o.Certificate = certificate);
        var url = receiver.AddEndpoint(Path, secret.Value);
        Assert.StartsWith("https://127.0.0.1:", url.ToString(), StringComparison.Ordinal);

        using var local = Sender(WebhookUrlPolicy.LocalHost);
        var tls = await local.SendAsync(Delivery(url, "msg_tls", secret), None);
        using var azure = Sender(WebhookUrlPolicy.Azure);
        var blocked = await azure.SendAsync(Delivery(url, "msg_tls", secret), None);

        Assert.Equal(WebhookAttemptOutcome.TlsFailure, tls.Outcome);
        Assert.Equal(WebhookAttemptOutcome.BlockedAddress, blocked.Outcome);
        Assert.Contains("loopback", blocked.Detail, StringComparison.Ordinal);
        Assert.Empty(receiver.Deliveries);
    }

    [Fact]
    public async Task In_azure_mode_a_public_receiver_with_a_bad_certificate_gives_tls_failure()
    {
        var secret = WebhookSecret.Generate();
        using var certificate = TestCertificates.Loopback();
        await using var receiver = await StartReceiverAsync(o => o.Certificate = certificate);
        var local = receiver.AddEndpoint(Path, secret.Value);
        // hooks.example.com resolves to a public (documentation-range) address; the route stands in for the internet to the receiver.
        var published = IPAddress.Parse("203.0.113.10");
        var connector = new WebhookConnector(WebhookUrlPolicy.Azure, (_, _) => Task.FromResult(new[] { published }),
            endpoint => endpoint.Address.Equals(published) ? new IPEndPoint(IPAddress.Loopback, local.Port) : endpoint);
        using var sender = new WebhookSender(new WebhookSenderOptions(), WebhookUrlPolicy.Azure, connector, TimeProvider.System, NullLogger.Instance);
        var url = new Uri($"https://hooks.example.com:{local.Port}{Path}");
        Assert.Null(WebhookUrlPolicy.Azure.Validate(url));

        var result = await sender.SendAsync(Delivery(url, "msg_tls_azure", secret), None);

        Assert.Equal(WebhookAttemptOutcome.TlsFailure, result.Outcome);
        Assert.False(result.IsSuccess);
        Assert.Empty(receiver.Deliveries);
    }

    [Fact]
    public async Task A_name_resolving_to_an_internal_address_is_refused_at_send_time()
    {
        var resolver = new Dictionary<string, IPAddress[]>
        {
            ["hooks.example.com"] = [IPAddress.Parse("10.0.0.7")],
            ["mixed.example.com"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("169.254.169.254")],
            ["mapped.example.com"] = [IPAddress.Parse("::ffff:127.0.0.1")],
        };
        using var sender = Sender(WebhookUrlPolicy.Azure, resolve: resolver);

        foreach (var (host, addresses) in resolver)
        {
            // The URL itself is fine at registration: only the answer at send time is internal.
            var url = new Uri($"https://{host}/hook");
            Assert.Null(WebhookUrlPolicy.Azure.Validate(url));

            var result = await sender.SendAsync(Delivery(url, "msg_dns", WebhookSecret.Generate()), None);

            Assert.Equal(WebhookAttemptOutcome.BlockedAddress, result.Outcome);
            Assert.Contains(addresses.Last().MapToIPv4().ToString(), result.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_allowed_name_connects_only_to_the_address_it_vetted()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = new UriBuilder(receiver.AddEndpoint(Path, secret.Value)) { Host = "localhost" }.Uri;
        var answers = new Queue<IPAddress[]>([[IPAddress.Loopback], [IPAddress.Parse("10.0.0.7")]]);
        using var sender = Sender(WebhookUrlPolicy.LocalHost, resolve: (_, _) => Task.FromResult(answers.Dequeue()),
            options: new WebhookSenderOptions { MaxResponseBytes = 4096 });

        var first = await sender.SendAsync(Delivery(url, "msg_vetted", secret), None);
        Assert.True(first.IsSuccess, first.Detail);
        Assert.Single(receiver.Deliveries);

        // A later answer for the same name (rebinding) is refused; a fresh sender resolves again.
        using var rebound = Sender(WebhookUrlPolicy.LocalHost, resolve: (_, _) => Task.FromResult(answers.Dequeue()));
        var second = await rebound.SendAsync(Delivery(url, "msg_vetted", secret), None);
        Assert.Equal(WebhookAttemptOutcome.BlockedAddress, second.Outcome);
        Assert.Single(receiver.Deliveries);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_gives_dns_failure()
    {
        using var sender = Sender(WebhookUrlPolicy.Azure, resolve: (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)));

        var result = await sender.SendAsync(Delivery(new Uri("https://no-such-host.example.com/hook"), "msg_dns", WebhookSecret.Generate()), None);

        Assert.Equal(WebhookAttemptOutcome.DnsFailure, result.Outcome);
    }

    [Fact]
    public async Task A_url_the_policy_refuses_is_not_sent_at_all()
    {
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, WebhookSecret.Generate().Value);
        using var sender = Sender(WebhookUrlPolicy.Azure);

        var result = await sender.SendAsync(Delivery(url, "msg_http", WebhookSecret.Generate()), None);

        Assert.Equal(WebhookAttemptOutcome.BlockedAddress, result.Outcome);
        Assert.Equal("A webhook URL must use https.", result.Detail);
        Assert.Empty(receiver.Deliveries);
    }

    [Fact]
    public async Task The_caller_cancelling_is_the_one_exception()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Delay: TimeSpan.FromMinutes(2)));
        using var sender = Sender(WebhookUrlPolicy.LocalHost);
        using var cancel = new CancellationTokenSource();

        var sending = sender.SendAsync(Delivery(url, "msg_cancel", secret), cancel.Token);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (receiver.Deliveries.Count == 0)
        {
            await Task.Delay(20, wait.Token);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task The_receiver_counts_duplicates_per_webhook_id_and_serves_its_log_over_http()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, secret.Value);
        receiver.Script(Path, new WebhookResponseScript(Status: 503), times: 1);
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var first = await sender.SendAsync(Delivery(url, "msg_dup", secret), None);
        var retry = await sender.SendAsync(Delivery(url, "msg_dup", secret), None);
        var other = await sender.SendAsync(Delivery(url, "msg_other", secret), None);

        Assert.Equal(503, first.StatusCode);
        Assert.Equal(204, retry.StatusCode);
        Assert.Equal(204, other.StatusCode);
        Assert.Equal(2, receiver.DeliveryCount("msg_dup"));
        Assert.Equal(new Dictionary<string, int> { ["msg_dup"] = 2 }, receiver.Duplicates());
        Assert.Equal([1, 2, 1], receiver.Deliveries.Select(d => d.Attempt));

        using var http = new HttpClient { BaseAddress = receiver.BaseUrl };
        var log = await http.GetFromJsonAsync<JsonElement>("/_hooks/deliveries");
        Assert.Equal(["msg_dup", "msg_dup", "msg_other"], log.EnumerateArray().Select(d => d.GetProperty("webhookId").GetString()));
        Assert.All(log.EnumerateArray(), d => Assert.True(d.GetProperty("signatureValid").GetBoolean()));
        using var cleared = await http.DeleteAsync("/_hooks/deliveries");
        Assert.Empty(receiver.Deliveries);
    }

    [Fact]
    public async Task A_delivery_without_secrets_or_with_a_header_breaking_id_is_a_result_not_an_exception()
    {
        await using var receiver = await StartReceiverAsync();
        var url = receiver.AddEndpoint(Path, WebhookSecret.Generate().Value);
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var unsigned = await sender.SendAsync(new WebhookDelivery(url, "msg_unsigned", Body, []), None);
        var injected = await sender.SendAsync(Delivery(url, "msg_1\r\nX-Injected: yes", WebhookSecret.Generate()), None);

        Assert.Equal(WebhookAttemptOutcome.Other, unsigned.Outcome);
        Assert.Equal(WebhookAttemptOutcome.Other, injected.Outcome);
        Assert.Empty(receiver.Deliveries);
    }

    [Fact]
    public async Task An_unknown_path_is_answered_404_and_still_recorded()
    {
        await using var receiver = await StartReceiverAsync();
        using var sender = Sender(WebhookUrlPolicy.LocalHost);

        var result = await sender.SendAsync(Delivery(receiver.UrlFor("/hooks/nobody"), "msg_404", WebhookSecret.Generate()), None);

        Assert.Equal(404, result.StatusCode);
        Assert.False(Assert.Single(receiver.Deliveries).SignatureValid);
    }

    private static WebhookDelivery Delivery(Uri url, string id, WebhookSecret secret) => new(url, id, Body, [secret]);

    private static Task<LocalWebhookReceiver> StartReceiverAsync(Action<LocalWebhookReceiverOptions>? configure = null)
    {
        var options = new LocalWebhookReceiverOptions();
        configure?.Invoke(options);
        return LocalWebhookReceiver.StartAsync(options, None);
    }

    private static WebhookSender Sender(WebhookUrlPolicy policy, WebhookSenderOptions? options = null, TimeProvider? time = null,
        Dictionary<string, IPAddress[]>? resolve = null) =>
        Sender(policy, resolve is null ? null : (host, _) => Task.FromResult(resolve[host]), options, time);

    private static WebhookSender Sender(WebhookUrlPolicy policy, Func<string, CancellationToken, Task<IPAddress[]>>? resolve, WebhookSenderOptions? options = null,
        TimeProvider? time = null)
    {
        var connector = resolve is null ? new WebhookConnector(policy) : new WebhookConnector(policy, resolve);
        return new WebhookSender(options ?? new WebhookSenderOptions(), policy, connector, time ?? TimeProvider.System, NullLogger.Instance);
    }
}

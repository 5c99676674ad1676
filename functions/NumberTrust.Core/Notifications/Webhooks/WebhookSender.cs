using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>
/// Posts one signed delivery and reports how it went. Redirects are not followed, no proxy is used (it would connect past the
/// address checks), every connection goes through <see cref="WebhookConnector"/>, the attempt is bounded in time and at most
/// <see cref="WebhookSenderOptions.MaxResponseBytes"/> of the answer is read. Never throws, except when the caller cancels.
/// </summary>
public sealed partial class WebhookSender : IDisposable
{
    private readonly WebhookSenderOptions _options;
    private readonly WebhookUrlPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _client;

    public WebhookSender(WebhookSenderOptions options, WebhookUrlPolicy policy, TimeProvider time, ILogger<WebhookSender> logger)
        : this(options, policy, new WebhookConnector(policy), time, logger)
    {
    }

    internal WebhookSender(WebhookSenderOptions options, WebhookUrlPolicy policy, WebhookConnector connector, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(connector);
        _options = options;
        _policy = policy;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ConnectTimeout,
            ConnectCallback = connector.ConnectAsync,
            // An answer not read to the end closes its connection instead of being drained into memory.
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public async Task<WebhookAttemptResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var started = _time.GetTimestamp();
        if (_policy.Validate(delivery.Url) is { } refused)
        {
            return Finish(delivery, Failure(WebhookAttemptOutcome.BlockedAddress, started, refused));
        }

        if (!IsValidId(delivery.WebhookId) || delivery.Secrets is not { Count: > 0 })
        {
            return Finish(delivery, Failure(WebhookAttemptOutcome.Other, started,
                "A delivery needs a webhook id of 1 to 256 visible ASCII characters and at least one secret; nothing was sent."));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ReadOnlyMemoryContent(delivery.Body) };
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, delivery.WebhookId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.Sign(delivery.WebhookId, timestamp, delivery.Body.Span, delivery.Secrets));
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);

        using var deadline = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var (body, read) = await ReadPrefixAsync(response, linked.Token, cancellationToken);
            return Finish(delivery, FromResponse(response, body, read, started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Finish(delivery, Failure(WebhookAttemptOutcome.Timeout, started, $"No answer within {_options.Timeout.TotalSeconds:0.###} s."));
        }
        catch (HttpRequestException e)
        {
            return Finish(delivery, Failure(Classify(e), started, Messages(e)));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or AuthenticationException)
        {
            return Finish(delivery, Failure(WebhookAttemptOutcome.Other, started, Messages(e)));
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Reads up to the limit; once the status is in, a body that breaks off or runs past the deadline keeps what arrived.</summary>
    private async Task<(byte[] Body, int Read)> ReadPrefixAsync(HttpResponseMessage response, CancellationToken attempt, CancellationToken caller)
    {
        var buffer = new byte[_options.MaxResponseBytes];
        var read = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(attempt);
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), attempt);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (Exception e) when (!caller.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status already says how the receiver took the delivery; the body is only evidence.
        }

        return (buffer, read);
    }

    private WebhookAttemptResult FromResponse(HttpResponseMessage response, byte[] body, int read, long started)
    {
        var status = (int)response.StatusCode;
        var outcome = status switch
        {
            >= 200 and <= 299 => WebhookAttemptOutcome.Succeeded,
            410 => WebhookAttemptOutcome.Gone,
            >= 300 and <= 399 => WebhookAttemptOutcome.Redirect,
            _ => WebhookAttemptOutcome.HttpError,
        };
        var detail = outcome == WebhookAttemptOutcome.Redirect
            ? $"HTTP {status} to {response.Headers.Location?.ToString() ?? "(no Location)"}, not followed."
            : null;
        return new WebhookAttemptResult(outcome, status, _time.GetElapsedTime(started), Excerpt(body, read), read, RetryAfter(response), detail);
    }

    private WebhookAttemptResult Failure(WebhookAttemptOutcome outcome, long started, string detail) =>
        new(outcome, null, _time.GetElapsedTime(started), null, 0, null, detail);

    private WebhookAttemptResult Finish(WebhookDelivery delivery, WebhookAttemptResult result)
    {
        Log.Attempt(_logger, delivery.WebhookId, delivery.Url.Host, result.Outcome, result.StatusCode ?? 0, result.Latency);
        return result;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private string? Excerpt(byte[] body, int read)
    {
        if (read == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body, 0, read);
        var cleaned = new StringBuilder(Math.Min(text.Length, _options.ExcerptLength));
        foreach (var c in text)
        {
            if (cleaned.Length >= _options.ExcerptLength)
            {
                break;
            }

            cleaned.Append(char.IsControl(c) ? ' ' : c);
        }

        return cleaned.ToString().Trim();
    }

    /// <summary>Visible ASCII only: the id goes into a header verbatim, and a CR/LF in it would split the header (injection).</summary>
    private static bool IsValidId(string? id) => id is { Length: > 0 and <= 256 } && id.All(c => c is > ' ' and <= '~');

    private static WebhookAttemptOutcome Classify(HttpRequestException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case WebhookAddressBlockedException:
                    return WebhookAttemptOutcome.BlockedAddress;
                case AuthenticationException:
                    return WebhookAttemptOutcome.TlsFailure;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return WebhookAttemptOutcome.ConnectionRefused;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return WebhookAttemptOutcome.DnsFailure;
                case SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException:
                    return WebhookAttemptOutcome.Timeout;
            }
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => WebhookAttemptOutcome.DnsFailure,
            HttpRequestError.SecureConnectionError => WebhookAttemptOutcome.TlsFailure,
            _ => WebhookAttemptOutcome.Other,
        };
    }

    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null && messages.Count < 4; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" -> ", messages.Distinct());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7050, Level = LogLevel.Debug, Message = "Webhook {WebhookId} to {Host}: {Outcome} (HTTP {Status}) in {Latency}")]
        public static partial void Attempt(ILogger logger, string webhookId, string host, WebhookAttemptOutcome outcome, int status, TimeSpan latency);
    }
}

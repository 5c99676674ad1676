using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Simulator.Webhooks;

/// <summary>
/// A loopback webhook receiver for tests, benchmarks and demo mode. Each endpoint path knows its secrets; every delivery is
/// checked (Standard Webhooks signature and timestamp) and recorded, duplicates are counted per webhook-id, and answers can be
/// scripted per path (status, 429 with Retry-After, a delay, a redirect, a large body). Valid deliveries get
/// <see cref="LocalWebhookReceiverOptions.DefaultStatus"/>, bad signatures 401, unknown paths 404.
/// Deliveries are also at <c>GET /_hooks/deliveries</c> (<c>DELETE</c> clears them).
/// </summary>
public sealed partial class LocalWebhookReceiver : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly LocalWebhookReceiverOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<byte[]>> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ScriptEntry>> _scripts = new(StringComparer.Ordinal);
    private readonly List<ReceivedWebhook> _deliveries = [];
    private readonly Dictionary<string, int> _perWebhookId = new(StringComparer.Ordinal);
    private int _incompleteResponses;

    private LocalWebhookReceiver(WebApplication app, LocalWebhookReceiverOptions options, Uri baseUrl)
    {
        _app = app;
        _options = options;
        BaseUrl = baseUrl;
    }

    /// <summary>Scheme, host and port, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every delivery in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Deliveries
    {
        get
        {
            lock (_lock)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Answers whose body the client stopped reading before it was all sent (the connection closed under it).</summary>
    public int IncompleteResponses => Volatile.Read(ref _incompleteResponses);

    public static async Task<LocalWebhookReceiver> StartAsync(LocalWebhookReceiverOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        LocalWebhookReceiver? receiver = null;
        var (app, baseUrl) = await LoopbackServer.StartAsync(
            options.Port, options.Certificate, null, context => receiver!.HandleAsync(context), cancellationToken);
        receiver = new LocalWebhookReceiver(app, options, baseUrl);
        return receiver;
    }

    /// <summary>Registers an endpoint path (e.g. <c>/hooks/tenant-1</c>) and the <c>whsec_</c> secrets it accepts (two during a rotation).</summary>
    public Uri AddEndpoint(string path, params string[] secrets)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var keys = secrets.Select(StandardWebhookCheck.Key).ToList();
        lock (_lock)
        {
            _endpoints[Normalize(path)] = keys;
        }

        return UrlFor(path);
    }

    public Uri UrlFor(string path) => new(BaseUrl, Normalize(path));

    /// <summary>Scripts the answers of a path: the next <paramref name="times"/> valid deliveries, or all of them when null.</summary>
    public void Script(string path, WebhookResponseScript script, int? times = null)
    {
        lock (_lock)
        {
            var key = Normalize(path);
            if (!_scripts.TryGetValue(key, out var list))
            {
                _scripts[key] = list = [];
            }

            list.Add(new ScriptEntry(script, times));
        }
    }

    /// <summary>How many deliveries carried this webhook-id (more than one = the sender retried or duplicated it).</summary>
    public int DeliveryCount(string webhookId)
    {
        lock (_lock)
        {
            return _perWebhookId.GetValueOrDefault(webhookId);
        }
    }

    /// <summary>Webhook-ids received more than once, with their counts.</summary>
    public IReadOnlyDictionary<string, int> Duplicates()
    {
        lock (_lock)
        {
            return _perWebhookId.Where(p => p.Value > 1).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Forgets deliveries, counts and scripts (endpoints stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _deliveries.Clear();
            _perWebhookId.Clear();
            _scripts.Clear();
        }

        Interlocked.Exchange(ref _incompleteResponses, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path == "/_hooks/deliveries")
        {
            await ControlAsync(context);
            return;
        }

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, aborted.Token);
            body = buffer.ToArray();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return;
        }

        var id = Header(request, "webhook-id");
        var timestamp = Header(request, "webhook-timestamp");
        var signature = Header(request, "webhook-signature");
        var now = _options.TimeProvider.GetUtcNow();
        ReceivedWebhook delivery;
        WebhookResponseScript answer;
        lock (_lock)
        {
            string? problem;
            if (!_endpoints.TryGetValue(path, out var keys))
            {
                problem = $"No endpoint at {path}.";
                answer = new WebhookResponseScript(Status: 404, Body: problem);
            }
            else
            {
                problem = StandardWebhookCheck.Verify(id, timestamp, signature, body, keys, now, _options.Tolerance);
                answer = problem is null ? NextScript(path) : new WebhookResponseScript(Status: 401, Body: problem);
            }

            var attempt = 0;
            if (id is not null)
            {
                attempt = _perWebhookId[id] = _perWebhookId.GetValueOrDefault(id) + 1;
            }

            var status = answer.Status ?? (answer.RedirectTo is null ? _options.DefaultStatus : 302);
            delivery = new ReceivedWebhook(path, id, timestamp, signature, problem is null, problem, Encoding.UTF8.GetString(body),
                request.ContentType, Header(request, "User-Agent"), status, attempt, now);
            _deliveries.Add(delivery);
        }

        if (_options.Logger is { } logger)
        {
            Log.Delivery(logger, delivery.Path, delivery.WebhookId ?? "", delivery.SignatureValid, delivery.Status, delivery.Body);
        }

        _options.OnDelivery?.Invoke(delivery);
        await AnswerAsync(context, delivery.Status, answer, aborted.Token);
    }

    private WebhookResponseScript NextScript(string path)
    {
        if (!_scripts.TryGetValue(path, out var list) || list.Count == 0)
        {
            return new WebhookResponseScript();
        }

        var entry = list[0];
        if (entry.Remaining is { } remaining)
        {
            if (remaining <= 1)
            {
                list.RemoveAt(0);
            }
            else
            {
                list[0] = entry with { Remaining = remaining - 1 };
            }
        }

        return entry.Script;
    }

    private async Task AnswerAsync(HttpContext context, int status, WebhookResponseScript answer, CancellationToken cancellationToken)
    {
        try
        {
            if (answer.Delay is { } delay)
            {
                await Task.Delay(delay, _options.TimeProvider, cancellationToken);
            }

            var response = context.Response;
            response.StatusCode = status;
            if (answer.RedirectTo is { } location)
            {
                response.Headers.Location = location;
            }

            if (answer.RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }
            else if (answer.RetryAfterDate is { } date)
            {
                response.Headers.RetryAfter = date.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
            }

            if (answer.BodyBytes > 0)
            {
                await WriteFillerAsync(response, answer.BodyBytes, cancellationToken);
            }
            else if (answer.Body is { } text)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                response.ContentType = "text/plain; charset=utf-8";
                response.ContentLength = bytes.Length;
                await response.Body.WriteAsync(bytes, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The sender gave up (its timeout) or closed the connection; nothing more to answer.
        }
    }

    private async Task WriteFillerAsync(HttpResponse response, long size, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = size;
        long written = 0;
        try
        {
            while (written < size)
            {
                // Kestrel may accept writes after the client left; the abort token is what says so.
                cancellationToken.ThrowIfCancellationRequested();
                var n = (int)Math.Min(chunk.Length, size - written);
                await response.Body.WriteAsync(chunk.AsMemory(0, n), cancellationToken);
                written += n;
            }

            await response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            if (written < size || cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _incompleteResponses);
            }
        }
    }

    private async Task ControlAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.WriteAsJsonAsync(Deliveries, Json, context.RequestAborted);
        }
        else if (HttpMethods.IsDelete(context.Request.Method))
        {
            Clear();
            context.Response.StatusCode = 204;
        }
        else
        {
            context.Response.StatusCode = 405;
        }
    }

    private static string? Header(HttpRequest request, string name) => request.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;

    private sealed record ScriptEntry(WebhookResponseScript Script, int? Remaining);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7150, Level = LogLevel.Information, Message = "Webhook to {Path} ({WebhookId}), signature valid {SignatureValid}, answered {Status}: {Body}")]
        public static partial void Delivery(ILogger logger, string path, string webhookId, bool signatureValid, int status, string body);
    }
}

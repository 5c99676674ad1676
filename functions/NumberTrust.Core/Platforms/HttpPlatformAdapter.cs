using System.Text.Json;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using NumberTrust.Labels;
using NumberTrust.Numbers;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace NumberTrust.Platforms;

/// <summary>Everything an adapter needs, resolved once per platform by the registry.</summary>
public sealed record PlatformContext(
    string PlatformId, PlatformOptions Options, IHttpClientFactory HttpClients, LabelTaxonomy Taxonomy, TimeProvider Time, ILogger Logger,
    IRequestPacer Pacer);

/// <summary>
/// The shared lookup pipeline of every HTTP adapter: pacing (evenly spaced send slots + concurrency cap), the resilient named HttpClient,
/// transport failures mapped to Unknown, body decoding, block and captcha detection before anything else, and a parse step that
/// can only produce Clean from a positively recognised answer. Parsing exceptions become Unknown(UnrecognisedLayout).
/// </summary>
public abstract partial class HttpPlatformAdapter : IPlatformAdapter, IDisposable
{
    private readonly SemaphoreSlim _concurrency;
    private readonly IRequestPacer _spacing;
    private int _pending;

    protected HttpPlatformAdapter(PlatformContext context)
    {
        Context = context;
        _concurrency = new SemaphoreSlim(context.Options.MaxConcurrency, context.Options.MaxConcurrency);
        _spacing = context.Pacer;
    }

    public string PlatformId => Context.PlatformId;

    protected PlatformContext Context { get; }

    protected PlatformOptions Options => Context.Options;

    protected LabelTaxonomy Taxonomy => Context.Taxonomy;

    /// <summary>The platform's real scheme, host and port, replaced by <see cref="PlatformOptions.BaseUrl"/> when configured.</summary>
    protected abstract Uri DefaultBaseUrl { get; }

    public abstract bool Covers(CanonicalNumber number);

    /// <summary>Builds the platform's request; <paramref name="baseUrl"/> carries only scheme, host and port.</summary>
    protected abstract HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl);

    /// <summary>Reads a decoded, non-empty, non-blocked answer. Must return Clean only for a positively recognised no-label answer.</summary>
    protected abstract LookupResult Parse(PlatformResponse response, CanonicalNumber number);

    /// <summary>Recognises block and captcha answers (also used by the circuit breaker, so repeated blocks open it).</summary>
    protected abstract UnknownReason? DetectBlock(PlatformResponse response);

    /// <summary>Maps a non-success status after block detection; adapters override for platform meanings (Nomorobo 404).</summary>
    protected virtual LookupResult? InterpretStatus(PlatformResponse response, CanonicalNumber number) => null;

    public async Task<LookupResult> LookupAsync(CanonicalNumber number, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (!Options.IsEnabled)
        {
            return Unknown(UnknownReason.NotConfigured, null, null, $"Platform '{PlatformId}' is not enabled in this deployment.");
        }

        if (!Covers(number))
        {
            return Unknown(UnknownReason.NotApplicable, null, null, $"{PlatformId} does not cover numbers of region {number.Region} (+{number.CountryCode}).");
        }

        // Lookups waiting for a free connection count against the queue limit too; the spacing bounds those waiting for a slot.
        if (Interlocked.Increment(ref _pending) > Options.MaxConcurrency + Options.MaxQueuedLookups)
        {
            Interlocked.Decrement(ref _pending);
            return QueueFull(_spacing.Interval * Options.MaxQueuedLookups);
        }

        try
        {
            await _concurrency.WaitAsync(cancellationToken);
            try
            {
                // The slot is taken after the connection, so the send follows its slot at once and requests stay evenly spaced.
                if (await _spacing.WaitTurnAsync(cancellationToken) is { } retryAfter)
                {
                    return QueueFull(retryAfter);
                }

                return await SendAndReadAsync(number, cancellationToken);
            }
            finally
            {
                _concurrency.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private LookupResult QueueFull(TimeSpan retryAfter) =>
        Unknown(UnknownReason.RateLimited, null, null, "Local rate limit for this platform: too many lookups queued.", retryAfter);

    private async Task<LookupResult> SendAndReadAsync(CanonicalNumber number, CancellationToken cancellationToken)
    {
        string? url = null;
        // The resilience pipeline bounds the time to the response headers; this bounds the whole lookup including the body.
        using var deadline = new CancellationTokenSource(Options.Timeout + TimeSpan.FromMilliseconds(250), Context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = CreateRequest(number, PlatformBaseUrl.Resolve(Options.BaseUrl, DefaultBaseUrl));
            url = RedactedUrl(request.RequestUri);
            request.Options.Set(PacingHandler.SlotTaken, true);
            if (!string.IsNullOrWhiteSpace(Options.UserAgent))
            {
                request.Headers.UserAgent.Clear();
                request.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);
            }

            var client = Context.HttpClients.CreateClient(PlatformIds.HttpClientName(PlatformId));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var read = await PlatformResponse.ReadAsync(response, Options.MaxResponseBytes, linked.Token);
            return Interpret(read, number);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException e)
        {
            var retryAfter = e.RetryAfter ?? Options.BreakDuration;
            Log.CircuitOpen(Context.Logger, PlatformId, retryAfter);
            return Unknown(UnknownReason.CircuitOpen, url, null, "Circuit open after repeated failures or block pages; not calling the platform.", retryAfter);
        }
        catch (PacingRejectedException e)
        {
            return Unknown(UnknownReason.RateLimited, url, null, "Local rate limit for this platform: no send slot for a retry.", e.RetryAfter);
        }
        catch (Exception e) when (e is TimeoutRejectedException or OperationCanceledException or TimeoutException)
        {
            return Unknown(UnknownReason.Timeout, url, null, $"No complete answer within {Options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (ResponseTooLargeException e)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, url, null, e.Message);
        }
        catch (Exception e) when (e is ResponseBodyException || (e is HttpRequestException or IOException && EndedPrematurely(e)))
        {
            return Unknown(UnknownReason.Truncated, url, null, "The connection closed before the answer was complete: " + Messages(e));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            Log.TransportFailure(Context.Logger, PlatformId, e.GetType().Name, e.Message);
            return Unknown(UnknownReason.HttpError, url, null, $"Transport failure ({(e as HttpRequestException)?.HttpRequestError.ToString() ?? e.GetType().Name}): {Messages(e)}");
        }
        catch (Exception e)
        {
            // Never let an adapter bug escape as an exception or, worse, as Clean.
            Log.AdapterFailure(Context.Logger, e, PlatformId);
            return Unknown(UnknownReason.UnrecognisedLayout, url, null, $"Adapter failure: {e.GetType().Name}: {e.Message}");
        }
    }

    private LookupResult Interpret(PlatformResponse response, CanonicalNumber number)
    {
        var status = response.StatusCode;
        var blocked = DetectBlock(response);
        if (blocked is { } reason)
        {
            Log.Blocked(Context.Logger, PlatformId, reason, status);
            return Unknown(reason, response, reason == UnknownReason.Captcha ? "The platform answered with a captcha." : "The platform answered with a block page.");
        }

        if (status == (int)HttpStatusCode.TooManyRequests)
        {
            return Unknown(UnknownReason.RateLimited, response, "HTTP 429 from the platform.", PlatformPacing.RetryAfter(response.RetryAfterHeader, Context.Time));
        }

        if (InterpretStatus(response, number) is { } special)
        {
            return special;
        }

        if (status is < 200 or > 299)
        {
            var reasonForStatus = status is 401 or 403 ? UnknownReason.Unauthorized : UnknownReason.HttpError;
            var location = response.Location is null ? "" : $" to {response.Location}";
            return Unknown(reasonForStatus, response, $"HTTP {status}{location}.");
        }

        if (response.IsEmpty)
        {
            return Unknown(UnknownReason.EmptyBody, response, "The answer had no body.");
        }

        if (!response.IsDecodable)
        {
            return Unknown(UnknownReason.Undecodable, response, "The body is not readable text in its declared encoding.");
        }

        try
        {
            return Parse(response, number);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ParseFailure(Context.Logger, PlatformId, e.GetType().Name, e.Message);
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Could not read the answer: {e.Message}");
        }
    }

    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null && messages.Count < 4; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" -> ", messages);
    }

    /// <summary>The connection closed before the declared body length arrived.</summary>
    private static bool EndedPrematurely(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } or HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded })
            {
                return true;
            }
        }

        return false;
    }

    protected LookupEvidence Evidence(PlatformResponse? response, string? excerpt) =>
        new(response?.RequestedUrl, response?.StatusCode, string.IsNullOrEmpty(excerpt) ? null : PageText.Excerpt(excerpt), Context.Time.GetUtcNow());

    protected LookupResult Unknown(UnknownReason reason, PlatformResponse response, string detail, TimeSpan? retryAfter = null) =>
        LookupResult.Unknown(PlatformId, reason, Evidence(response, ExcerptForUnknown(response)), detail, retryAfter);

    protected LookupResult Unknown(UnknownReason reason, string? url, int? status, string detail, TimeSpan? retryAfter = null) =>
        LookupResult.Unknown(PlatformId, reason, new LookupEvidence(url, status, null, Context.Time.GetUtcNow()), detail, retryAfter);

    protected LookupResult Clean(PlatformResponse response, string excerpt, string? detail = null) =>
        LookupResult.Clean(PlatformId, Evidence(response, excerpt), detail);

    /// <summary>A label read from the platform: classified through the taxonomy unless the adapter knows the category itself.</summary>
    protected LookupResult Labeled(
        PlatformResponse response, string labelText, int? count, string? sourceApp, string excerpt, LabelCategory? category = null, string? detail = null,
        string? severity = null)
    {
        var resolved = category ?? Taxonomy.Classify(PlatformId, labelText).Category;
        return LookupResult.Labeled(PlatformId, resolved, labelText, count, sourceApp, Evidence(response, excerpt), detail, severity);
    }

    /// <summary>A GET of a Chinese HTML page, asking for the markup and language a browser in China would.</summary>
    protected static HttpRequestMessage ChineseHtmlGet(Uri baseUrl, string pathAndQuery, bool acceptHtml = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, PlatformBaseUrl.Combine(baseUrl, pathAndQuery));
        if (acceptHtml)
        {
            request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");
        }

        request.Headers.TryAddWithoutValidation("Accept-Language", "zh-CN,zh;q=0.9");
        return request;
    }

    /// <summary>Parses a JSON answer; a cut-off document is Unknown(Truncated), anything else that is not JSON Unknown(UnrecognisedLayout).</summary>
    protected bool TryParseJson(PlatformResponse response, [NotNullWhen(true)] out JsonDocument? json, [NotNullWhen(false)] out LookupResult? unknown)
    {
        try
        {
            json = JsonDocument.Parse(response.Text);
            unknown = null;
            return true;
        }
        catch (JsonException e)
        {
            var trimmed = response.Text.TrimStart();
            var looksJson = trimmed.StartsWith('{') || trimmed.StartsWith('[');
            json = null;
            unknown = Unknown(looksJson ? UnknownReason.Truncated : UnknownReason.UnrecognisedLayout, response, "Not complete JSON: " + e.Message);
            return false;
        }
    }

    private static string ExcerptForUnknown(PlatformResponse response)
    {
        if (response.IsEmpty || !response.IsDecodable)
        {
            return "";
        }

        return response.IsHtml ? PageText.PageExcerpt(PageText.ParseHtml(response.Text)) : PageText.RawExcerpt(response.Text);
    }

    /// <summary>The request URL without query values that carry credentials (none of the built-ins put secrets in URLs; JSON templates might).</summary>
    protected virtual string? RedactedUrl(Uri? uri) => uri?.ToString();

    public void Dispose()
    {
        _concurrency.Dispose();
        GC.SuppressFinalize(this);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "{Platform}: circuit open, next attempt in {RetryAfter}")]
        public static partial void CircuitOpen(ILogger logger, string platform, TimeSpan retryAfter);

        [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "{Platform}: {Reason} answer (HTTP {Status})")]
        public static partial void Blocked(ILogger logger, string platform, UnknownReason reason, int status);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{Platform}: transport failure {ExceptionType}: {Message}")]
        public static partial void TransportFailure(ILogger logger, string platform, string exceptionType, string message);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "{Platform}: answer could not be parsed ({ExceptionType}: {Message})")]
        public static partial void ParseFailure(ILogger logger, string platform, string exceptionType, string message);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "{Platform}: adapter failure")]
        public static partial void AdapterFailure(ILogger logger, Exception exception, string platform);
    }
}

using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Platforms;

/// <summary>
/// Settings of one platform, section <c>Platforms:&lt;id&gt;</c> (environment variable <c>Platforms__&lt;id&gt;__BaseUrl</c>).
/// Bound as named options, the name being the platform id. Ids that are not built in are JSON-adapter platforms (<see cref="Json"/>).
/// </summary>
public sealed class PlatformOptions
{
    public const string Section = "Platforms";

    /// <summary>
    /// On or off as configured. Not configured, a platform that needs no credentials is on, and one that needs them (Telnyx, Tencent,
    /// a JSON vendor) is on once they are given: so a deployment scans from its first start.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The platform id these options belong to (set when they are bound).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Id { get; set; } = "";

    /// <summary>Whether the platform is used: <see cref="Enabled"/> when configured, else its default.</summary>
    public bool IsEnabled => Enabled ?? EnabledByDefault;

    private bool EnabledByDefault => Id switch
    {
        PlatformIds.Baidu or PlatformIds.BaiduHaoma or PlatformIds.Qihoo360 or PlatformIds.Sogou or PlatformIds.Nomorobo => true,
        PlatformIds.Telnyx => !string.IsNullOrWhiteSpace(ApiKey),
        PlatformIds.Tencent => !string.IsNullOrWhiteSpace(SecretId) && !string.IsNullOrWhiteSpace(SecretKey),
        _ => !string.IsNullOrWhiteSpace(Json.UrlTemplate) && (string.IsNullOrWhiteSpace(Json.AuthHeaderName) || !string.IsNullOrWhiteSpace(Json.AuthHeaderValue)),
    };

    /// <summary>
    /// Replaces scheme, host and port of the platform's real address (e.g. <c>http://127.0.0.1:5301</c>); the adapter keeps the
    /// platform's own paths and query parameters. Empty = the real host.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Whole lookup including retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Timeout must be between 100 ms and 5 minutes.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>One HTTP attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00", ErrorMessage = "AttemptTimeout must be between 50 ms and 5 minutes.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    [Range(1, 256, ErrorMessage = "MaxConcurrency must be between 1 and 256.")]
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Pace of requests to the platform; the scheduler spreads jobs by it and the adapter spaces requests 1/RequestsPerSecond apart.</summary>
    [Range(0.001, 10_000, ErrorMessage = "RequestsPerSecond must be between 0.001 and 10000.")]
    public double RequestsPerSecond { get; set; } = 1;

    /// <summary>Whether <see cref="RequestsPerSecond"/> holds across every instance of the app (Shared, the default) or per instance.</summary>
    public PacingScope Pacing { get; set; } = PacingScope.Shared;

    /// <summary>With shared pacing: an instance claims at most this much time's worth of slots at once (one storage transaction per claim).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "PacingBatch must be between 10 ms and 1 minute.")]
    public TimeSpan PacingBatch { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Lookups that may wait for a send slot or a connection; beyond this a lookup is Unknown(RateLimited) at once.</summary>
    [Range(0, 100_000, ErrorMessage = "MaxQueuedLookups must be between 0 and 100000.")]
    public int MaxQueuedLookups { get; set; } = 1000;

    public string? UserAgent { get; set; }

    /// <summary>Retries of transient failures (connection errors, 5xx, 408, attempt timeouts); block pages are never retried.</summary>
    [Range(0, 10, ErrorMessage = "MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base of the exponential back-off between retries (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "RetryDelay must be between 0 and 1 minute.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A 429 whose Retry-After is at most this long is retried in place; longer ones become Unknown(RateLimited).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "MaxInlineRetryAfter must be between 0 and 1 minute.")]
    public TimeSpan MaxInlineRetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failure ratio (errors, timeouts, 429, block pages, captchas) that opens the circuit.</summary>
    [Range(0.01, 1.0, ErrorMessage = "BreakerFailureRatio must be between 0.01 and 1.")]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 10_000, ErrorMessage = "BreakerMinimumThroughput must be at least 2.")]
    public int BreakerMinimumThroughput { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ErrorMessage = "BreakerSamplingDuration must be between 0.5 s and 1 hour.")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ErrorMessage = "BreakDuration must be between 0.5 s and 1 day.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest body read; larger answers are Unknown.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "MaxResponseBytes must be between 1 KiB and 64 MiB.")]
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Baidu: <c>desktop</c> (www.baidu.com/s?wd=), <c>mobile</c> (m.baidu.com/s?ie=UTF-8&amp;wd=) or <c>wap</c> (wap.baidu.com/s?word=). Sogou: <c>api</c> (JSONP vrapi) or <c>web</c>.</summary>
    public string? Variant { get; set; }

    /// <summary>Telnyx API key (Bearer).</summary>
    public string? ApiKey { get => _apikey; set => _apikey = Hosting.SecretSetting.Clean(value); }

    private string? _apikey;

    /// <summary>Telnyx: query the enterprise-scoped endpoint instead of the simplified one.</summary>
    public string? EnterpriseId { get; set; }

    /// <summary>Telnyx: <c>fresh=true</c> (billed live query) instead of the free cached read.</summary>
    public bool Fresh { get; set; }

    /// <summary>Tencent Cloud SecretId.</summary>
    public string? SecretId { get => _secretid; set => _secretid = Hosting.SecretSetting.Clean(value); }

    private string? _secretid;

    /// <summary>Tencent Cloud SecretKey.</summary>
    public string? SecretKey { get => _secretkey; set => _secretkey = Hosting.SecretSetting.Clean(value); }

    private string? _secretkey;

    /// <summary>Tencent Cloud region header (X-TC-Region); omitted when empty.</summary>
    public string? Region { get; set; }

    /// <summary>Tencent Cloud SMPN billing resource id (ResourceId).</summary>
    public string? ResourceId { get; set; }

    /// <summary>Tencent Cloud action; default <c>DescribeSmpnChp</c>.</summary>
    public string? Action { get; set; }

    /// <summary>Display name for the catalog (JSON-adapter platforms; built-ins have their own).</summary>
    public string? Name { get; set; }

    /// <summary>Market for the catalog and coverage, e.g. <c>CN</c>, <c>US</c>, <c>Global</c> (JSON-adapter platforms).</summary>
    public string? Market { get; set; }

    /// <summary>Calling codes this platform covers (JSON-adapter platforms); empty = every number.</summary>
    public List<int> CountryCodes { get; set; } = [];

    /// <summary>Appeal channel for the catalog (JSON-adapter platforms).</summary>
    public string? AppealChannel { get; set; }

    /// <summary>The JSON adapter's request and response mapping (JSON-adapter platforms only).</summary>
    public JsonAdapterOptions Json { get; set; } = new();
}

/// <summary>
/// A configurable label-check API: request template and JSON paths. Paths are a small subset of JSONPath: dot-separated
/// property names, <c>[n]</c> indexes and <c>[*]</c>, with an optional leading <c>$.</c>.
/// </summary>
public sealed class JsonAdapterOptions
{
    /// <summary>Path and query (or an absolute URL) with <c>{e164}</c>, <c>{national}</c>, <c>{digits}</c> placeholders (URL-encoded), e.g. <c>https://api.vendor.example/v1/check?phone={e164}</c>.</summary>
    public string? UrlTemplate { get; set; }

    /// <summary><c>GET</c> or <c>POST</c>.</summary>
    public string Method { get; set; } = "GET";

    /// <summary>POST body template; placeholders are JSON-string-escaped.</summary>
    public string? Body { get; set; }

    public string BodyContentType { get; set; } = "application/json";

    public string? AuthHeaderName { get; set; }

    public string? AuthHeaderValue { get => _authHeaderValue; set => _authHeaderValue = Hosting.SecretSetting.Clean(value); }

    private string? _authHeaderValue;

    /// <summary>Optional: the array whose elements are one app/platform each (e.g. <c>data</c> for <c>data[].{name,msg}</c>); other paths are then relative to an element.</summary>
    public string? ArrayPath { get; set; }

    /// <summary>Label text; a present but empty value means "no label" for that element.</summary>
    public string? LabelPath { get; set; }

    /// <summary>Vendor category text (mapped through <see cref="LabelMap"/> or the taxonomy when present).</summary>
    public string? CategoryPath { get; set; }

    public string? CountPath { get; set; }

    /// <summary>The app / source name of an element (with <see cref="ArrayPath"/>) or of the answer.</summary>
    public string? SourceAppPath { get; set; }

    /// <summary>A field whose value says "no label" when it equals one of <see cref="NoLabelValues"/>.</summary>
    public string? NoLabelPath { get; set; }

    public List<string> NoLabelValues { get; set; } = [];

    /// <summary>Optional success check: the value at this path must be one of <see cref="SuccessValues"/>, otherwise Unknown(PlatformError).</summary>
    public string? SuccessPath { get; set; }

    public List<string> SuccessValues { get; set; } = [];

    /// <summary>With <see cref="ArrayPath"/>: whether an empty array positively means "no label" (default false: Unknown).</summary>
    public bool EmptyArrayIsClean { get; set; }

    /// <summary>Vendor label or category text to canonical category name; takes precedence over the built-in taxonomy.</summary>
    public Dictionary<string, string> LabelMap { get; set; } = new(StringComparer.Ordinal);
}

using System.Text.Json.Serialization;
using NumberTrust.Labels;

namespace NumberTrust.Platforms;

/// <summary>What one lookup established about a number on one platform.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LookupOutcome>))]
public enum LookupOutcome
{
    /// <summary>The response could not be positively read; callers keep the last known state.</summary>
    Unknown,
    /// <summary>The response positively shows no label.</summary>
    Clean,
    /// <summary>The response shows a label.</summary>
    Labeled,
}

/// <summary>Why a lookup is <see cref="LookupOutcome.Unknown"/>. Serialised by name; names are stable.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnknownReason>))]
public enum UnknownReason
{
    /// <summary>A block page (access denied, "network busy", WAF page).</summary>
    Blocked,
    /// <summary>A captcha page or a redirect to one.</summary>
    Captcha,
    /// <summary>A page or document the adapter does not recognise; never read as Clean.</summary>
    UnrecognisedLayout,
    /// <summary>The label is present but rendered as an image.</summary>
    ImageLabel,
    /// <summary>A non-success HTTP status or a transport failure (connection refused or reset).</summary>
    HttpError,
    /// <summary>The platform rejected the credentials (401/403 from an API, Tencent AuthFailure).</summary>
    Unauthorized,
    /// <summary>The platform answered with an error object of its own.</summary>
    PlatformError,
    /// <summary>No answer within the configured timeout.</summary>
    Timeout,
    /// <summary>The platform (429) or the local per-platform rate limit said "not now"; see <see cref="LookupResult.RetryAfter"/>.</summary>
    RateLimited,
    /// <summary>The response had no body.</summary>
    EmptyBody,
    /// <summary>The body was cut off (no closing markup, incomplete JSON, connection closed mid-body).</summary>
    Truncated,
    /// <summary>The body is not readable text (binary or wrong encoding).</summary>
    Undecodable,
    /// <summary>The platform's circuit breaker is open after repeated failures or block pages; see <see cref="LookupResult.RetryAfter"/>.</summary>
    CircuitOpen,
    /// <summary>The platform is not enabled or not configured in this deployment.</summary>
    NotConfigured,
    /// <summary>The platform does not cover this number (for example Nomorobo for a non-NANP number).</summary>
    NotApplicable,
    /// <summary>The platform answered but has no data yet to decide (Telnyx <c>reputation_data: null</c>).</summary>
    InsufficientData,
}

/// <summary>What was requested and seen, kept with every result so a person can check the reading.</summary>
/// <param name="RequestedUrl">The URL requested (credentials are never part of it).</param>
/// <param name="HttpStatus">HTTP status, when a response arrived.</param>
/// <param name="Excerpt">A short excerpt (≤ 300 characters) of the text around the label, or of the page when unreadable.</param>
/// <param name="ObservedAt">When the answer was read (injected clock).</param>
public sealed record LookupEvidence(string? RequestedUrl, int? HttpStatus, string? Excerpt, DateTimeOffset ObservedAt);

/// <summary>
/// Exactly one of Labeled, Clean or Unknown. Labeled carries the canonical category, the platform's verbatim label text, and the
/// reporter count and source app when shown; Unknown carries a reason and, for rate limits and open circuits, when to try again.
/// Built only through <see cref="Labeled"/>, <see cref="Clean"/> and <see cref="Unknown"/>; JSON round-trips through System.Text.Json.
/// </summary>
public sealed record LookupResult
{
    [JsonConstructor]
    public LookupResult(
        string platformId, LookupOutcome outcome, LookupEvidence evidence, LabelCategory? category = null, string? labelText = null,
        int? reportCount = null, string? sourceApp = null, UnknownReason? reason = null, TimeSpan? retryAfter = null, string? detail = null,
        string? severity = null)
    {
        PlatformId = platformId;
        Outcome = outcome;
        Evidence = evidence;
        Category = outcome == LookupOutcome.Labeled ? category ?? LabelCategory.Other : null;
        LabelText = outcome == LookupOutcome.Labeled ? labelText : null;
        ReportCount = outcome == LookupOutcome.Labeled ? reportCount : null;
        SourceApp = outcome == LookupOutcome.Labeled ? sourceApp : null;
        Severity = outcome == LookupOutcome.Labeled && !string.IsNullOrWhiteSpace(severity) ? severity.Trim().ToLowerInvariant() : null;
        Reason = outcome == LookupOutcome.Unknown ? reason ?? UnknownReason.UnrecognisedLayout : null;
        RetryAfter = outcome == LookupOutcome.Unknown ? retryAfter : null;
        Detail = detail;
    }

    public string PlatformId { get; }

    public LookupOutcome Outcome { get; }

    public LabelCategory? Category { get; }

    /// <summary>The platform's own label text, verbatim (trimmed).</summary>
    public string? LabelText { get; }

    public int? ReportCount { get; }

    /// <summary>The app the mark is attributed to when the platform shows it (百度手机卫士, 电话邦, 360手机卫士, a vendor's app name).</summary>
    public string? SourceApp { get; }

    /// <summary>A severity the platform states beside the category (Nomorobo's <c>SEVERE</c> rating), lower case; never a category.</summary>
    public string? Severity { get; }

    public UnknownReason? Reason { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>Human-readable detail: why Unknown, or what else the page said.</summary>
    public string? Detail { get; }

    public LookupEvidence Evidence { get; }

    /// <summary>The verified business identity the page shows, when it shows one; kept apart from the label and never on an Unknown.</summary>
    public DisplayedIdentity? Identity
    {
        get;
        init => field = Outcome == LookupOutcome.Unknown ? null : value;
    }

    [JsonIgnore]
    public bool IsLabeled => Outcome == LookupOutcome.Labeled;

    [JsonIgnore]
    public bool IsClean => Outcome == LookupOutcome.Clean;

    [JsonIgnore]
    public bool IsUnknown => Outcome == LookupOutcome.Unknown;

    public static LookupResult Labeled(
        string platformId, LabelCategory category, string labelText, int? reportCount, string? sourceApp, LookupEvidence evidence,
        string? detail = null, string? severity = null) =>
        new(platformId, LookupOutcome.Labeled, evidence, category, labelText.Trim(), reportCount, string.IsNullOrWhiteSpace(sourceApp) ? null : sourceApp.Trim(),
            detail: detail, severity: severity);

    public static LookupResult Clean(string platformId, LookupEvidence evidence, string? detail = null) =>
        new(platformId, LookupOutcome.Clean, evidence, detail: detail);

    public static LookupResult Unknown(string platformId, UnknownReason reason, LookupEvidence evidence, string? detail = null, TimeSpan? retryAfter = null) =>
        new(platformId, LookupOutcome.Unknown, evidence, reason: reason, retryAfter: retryAfter, detail: detail);

    public override string ToString() => Outcome switch
    {
        LookupOutcome.Labeled => $"{PlatformId}: Labeled {Category} '{LabelText}' count={ReportCount} source={SourceApp} severity={Severity}",
        LookupOutcome.Clean => $"{PlatformId}: Clean identity={Identity?.DisplayName}",
        _ => $"{PlatformId}: Unknown({Reason}) {Detail}",
    };
}

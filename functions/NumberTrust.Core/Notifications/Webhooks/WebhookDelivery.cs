namespace NumberTrust.Notifications.Webhooks;

/// <summary>
/// One attempt's input: the endpoint, the message id (the same on every retry, receivers deduplicate on it), the exact JSON body
/// bytes, and the active secrets (two during a rotation). The sender signs at attempt time.
/// </summary>
public sealed record WebhookDelivery(Uri Url, string WebhookId, ReadOnlyMemory<byte> Body, IReadOnlyList<WebhookSecret> Secrets);

/// <summary>How an attempt ended; everything but <see cref="Succeeded"/> is a failure the caller may retry or act on.</summary>
public enum WebhookAttemptOutcome
{
    /// <summary>2xx.</summary>
    Succeeded,
    /// <summary>Another 4xx or 5xx (429 included, with <see cref="WebhookAttemptResult.RetryAfter"/> when given).</summary>
    HttpError,
    /// <summary>410: the receiver asks to be disabled.</summary>
    Gone,
    /// <summary>3xx, not followed (a redirect could lead anywhere, past the address checks).</summary>
    Redirect,
    Timeout,
    ConnectionRefused,
    DnsFailure,
    TlsFailure,
    /// <summary>The URL or a resolved address is refused by the policy; nothing was sent.</summary>
    BlockedAddress,
    Other,
}

/// <summary>What one delivery attempt gave.</summary>
public sealed record WebhookAttemptResult(
    WebhookAttemptOutcome Outcome,
    int? StatusCode,
    TimeSpan Latency,
    string? BodyExcerpt,
    int BodyBytesRead,
    TimeSpan? RetryAfter,
    string? Detail)
{
    public bool IsSuccess => Outcome == WebhookAttemptOutcome.Succeeded;
}

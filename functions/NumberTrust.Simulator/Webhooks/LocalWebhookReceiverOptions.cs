using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Simulator.Webhooks;

/// <summary>Settings of a <see cref="LocalWebhookReceiver"/>.</summary>
public sealed class LocalWebhookReceiverOptions
{
    /// <summary>0 = a free port.</summary>
    public int Port { get; set; }

    /// <summary>When set, the receiver is https with this certificate.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Clock of the timestamp check, of received times and of scripted delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How far <c>webhook-timestamp</c> may be from the receiver's clock, either way.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The answer to a valid delivery that no script covers.</summary>
    public int DefaultStatus { get; set; } = 204;

    /// <summary>Where each delivery is logged (demo mode prints them this way).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Called with each delivery, outside the receiver's lock.</summary>
    public Action<ReceivedWebhook>? OnDelivery { get; set; }
}

/// <summary>
/// How the receiver answers a valid delivery to one path: a status (default <see cref="LocalWebhookReceiverOptions.DefaultStatus"/>),
/// Retry-After as seconds or as an HTTP date, a delay before answering, a redirect, or a body (text, or that many filler bytes).
/// </summary>
public sealed record WebhookResponseScript(
    int? Status = null,
    TimeSpan? RetryAfter = null,
    DateTimeOffset? RetryAfterDate = null,
    TimeSpan? Delay = null,
    string? RedirectTo = null,
    string? Body = null,
    long BodyBytes = 0);

/// <summary>One delivery as received, valid or not.</summary>
public sealed record ReceivedWebhook(
    string Path,
    string? WebhookId,
    string? Timestamp,
    string? Signature,
    bool SignatureValid,
    string? Problem,
    string Body,
    string? ContentType,
    string? UserAgent,
    int Status,
    int Attempt,
    DateTimeOffset ReceivedAt);

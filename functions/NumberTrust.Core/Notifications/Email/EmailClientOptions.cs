using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// Pipeline settings of an <see cref="EmailClient"/>. <see cref="ClientOptions.Retry"/> bounds the attempts of every request
/// (408, 429, 500, 502, 503, 504 and transport failures are retried, Retry-After honoured up to <see cref="RetryOptions.MaxDelay"/>);
/// <see cref="ClientOptions.Transport"/> lets tests trust a local certificate.
/// </summary>
public sealed class EmailClientOptions : ClientOptions
{
    public const string DefaultApiVersion = "2023-03-31";

    public EmailClientOptions()
    {
        Diagnostics.ApplicationId = "NumberTrust";
        // Reads Retry, TimeProvider and Logger when it runs, so settings made after construction apply.
        RetryPolicy = new AcsRetryPolicy(this);
    }

    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Clock of <c>x-ms-date</c>, of back-off and Retry-After waits and of polling.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Wait between polls when the service gives no Retry-After.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>ACS Email's limit on a whole message, measured here as the request body (attachments base64-encoded).</summary>
    public long MaxMessageBytes { get; set; } = 10 * 1024 * 1024;
}

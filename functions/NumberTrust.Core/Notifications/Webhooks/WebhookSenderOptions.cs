using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>Settings of webhook deliveries, section <c>Webhooks</c>.</summary>
public sealed class WebhookSenderOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whole attempt: connect, TLS, request, response headers and the bounded body read.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Webhooks:Timeout must be between 100 ms and 1 minute.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Webhooks:ConnectTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most of a receiver's answer that is read; the rest is never fetched (the connection is closed).</summary>
    [Range(0, 65_536, ErrorMessage = "Webhooks:MaxResponseBytes must be between 0 and 65536.")]
    public int MaxResponseBytes { get; set; } = 4096;

    /// <summary>Characters of the answer kept in <see cref="WebhookAttemptResult.BodyExcerpt"/>.</summary>
    [Range(0, 4096, ErrorMessage = "Webhooks:ExcerptLength must be between 0 and 4096.")]
    public int ExcerptLength { get; set; } = 256;

    [Required(AllowEmptyStrings = false, ErrorMessage = "Webhooks:UserAgent must not be empty.")]
    public string UserAgent { get; set; } = "NumberTrust-Webhooks/1.0";
}

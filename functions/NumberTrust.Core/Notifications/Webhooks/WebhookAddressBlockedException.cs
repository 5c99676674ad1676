using System.Net;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>A webhook host or one of its resolved addresses is refused by the <see cref="WebhookUrlPolicy"/>; nothing was connected.</summary>
public sealed class WebhookAddressBlockedException(string host, IPAddress? address, string reason)
    : Exception($"Webhook host '{host}' is not allowed: {reason}")
{
    public string Host { get; } = host;

    /// <summary>The resolved address that was refused; null when the name itself was.</summary>
    public IPAddress? Address { get; } = address;

    public string Reason { get; } = reason;
}

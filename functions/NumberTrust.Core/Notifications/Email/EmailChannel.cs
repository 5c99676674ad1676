using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NumberTrust.Notifications.Email;

/// <summary>The app's one <see cref="EmailClient"/>, built on first use when email is configured; null client = email is off.</summary>
public sealed class EmailChannel(IOptions<EmailOptions> options, TimeProvider time, ILogger<EmailClient> logger)
{
    private readonly Lazy<EmailClient?> _client = new(() => options.Value.IsConfigured ? EmailClientFactory.Create(options.Value, time, logger) : null);

    public EmailClient? Client => _client.Value;

    public string? SenderAddress => options.Value.SenderAddress;
}

using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Notifications.Email;

/// <summary>Builds the app's <see cref="EmailClient"/> from <see cref="EmailOptions"/>: the connection string when set, else the identity.</summary>
public static class EmailClientFactory
{
    public static EmailClient Create(EmailOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException($"Email is not configured: set {EmailOptions.Section}:Endpoint (Azure) or {EmailOptions.Section}:ConnectionString (local).");
        }

        var clientOptions = new EmailClientOptions { TimeProvider = time, Logger = logger };
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new EmailClient(options.ConnectionString, clientOptions);
        }

        TokenCredential credential = string.IsNullOrWhiteSpace(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        return new EmailClient(new Uri(options.Endpoint!), credential, clientOptions);
    }
}

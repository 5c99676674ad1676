using Microsoft.Extensions.Logging.Abstractions;
using NumberTrust.Simulator.Acs;
using NumberTrust.Simulator.Webhooks;

namespace NumberTrust.Local.Demo;

/// <summary>Prints the mails and webhooks demo mode's fake endpoints receive, so a newcomer sees the alerts that would go out.</summary>
public sealed partial class DemoOutbox
{
    /// <summary>Set by the seeder once the host's logging exists (the fakes start before the host is built).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    public void Mail(AcsMail mail) =>
        Log.Mail(Logger, string.Join(", ", mail.To.Select(t => t.Address)), mail.Subject, mail.PlainText ?? "");

    public void Webhook(ReceivedWebhook webhook) =>
        Log.Webhook(Logger, webhook.Path, webhook.WebhookId ?? "", webhook.SignatureValid, webhook.Status, webhook.Body);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3310, Level = LogLevel.Warning, Message = "Demo mailbox: mail to {To}: {Subject}\n{Body}")]
        public static partial void Mail(ILogger logger, string to, string subject, string body);

        [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "Demo webhook receiver: {Path} webhook-id {WebhookId} (signature valid: {SignatureValid}, answered {Status}): {Body}")]
        public static partial void Webhook(ILogger logger, string path, string webhookId, bool signatureValid, int status, string body);
    }
}

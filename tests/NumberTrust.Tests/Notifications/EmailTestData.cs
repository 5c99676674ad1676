using NumberTrust.Notifications.Email;
using NumberTrust.Simulator.Acs;

namespace NumberTrust.Tests.Notifications;

internal static class EmailTestData
{
    public const string Sender = "DoNotReply@numbertrust.example";

    public static EmailMessage Message(string subject = "New spam label on +86 10 1234 5678")
    {
        var recipients = new EmailRecipients(
            [new EmailAddress("ops@tenant.example", "Ops")],
            [new EmailAddress("cc@tenant.example")],
            [new EmailAddress("audit@tenant.example")]);
        var message = new EmailMessage(Sender, recipients, new EmailContent(subject)
        {
            PlainText = "Baidu now labels the number as harassment.",
            Html = "<p>Baidu now labels the number as <b>harassment</b>.</p>",
        });
        message.ReplyTo.Add(new EmailAddress("support@numbertrust.example", "NumberTrust support"));
        message.Headers["X-NumberTrust-Event"] = "evt-1";
        message.Attachments.Add(new EmailAttachment("evidence.txt", "text/plain", BinaryData.FromString("label: harassment (37 reports)")));
        return message;
    }

    /// <summary>A simulator whose polls answer at once, for tests that run on the real clock.</summary>
    public static Task<AcsEmailSimulator> StartAcsAsync(Action<AcsEmailSimulatorOptions>? configure = null)
    {
        var options = new AcsEmailSimulatorOptions { PollRetryAfter = TimeSpan.Zero };
        configure?.Invoke(options);
        return AcsEmailSimulator.StartAsync(options, CancellationToken.None);
    }

    public static EmailClient Client(AcsEmailSimulator acs, TimeProvider? time = null, Action<EmailClientOptions>? configure = null)
    {
        var options = new EmailClientOptions { TimeProvider = time ?? TimeProvider.System };
        // Back-off without Retry-After is immediate here; the Retry-After tests control time themselves.
        options.Retry.Delay = TimeSpan.Zero;
        configure?.Invoke(options);
        return new EmailClient(acs.ConnectionString, options);
    }
}

namespace NumberTrust.Notifications.Email;

/// <summary>One message to send through ACS Email (shape of Azure.Communication.Email's <c>EmailMessage</c>).</summary>
public sealed class EmailMessage
{
    public EmailMessage(string senderAddress, string recipientAddress, EmailContent content)
        : this(senderAddress, new EmailRecipients([new EmailAddress(recipientAddress)]), content)
    {
    }

    public EmailMessage(string senderAddress, EmailRecipients recipients, EmailContent content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(content);
        SenderAddress = senderAddress;
        Recipients = recipients;
        Content = content;
    }

    public string SenderAddress { get; }

    public EmailRecipients Recipients { get; }

    public EmailContent Content { get; }

    /// <summary>Custom message headers (for example <c>List-Unsubscribe</c>); values must not be empty.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public IList<EmailAddress> ReplyTo { get; } = [];

    public IList<EmailAttachment> Attachments { get; } = [];

    public bool? UserEngagementTrackingDisabled { get; set; }
}

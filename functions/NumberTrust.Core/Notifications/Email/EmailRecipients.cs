namespace NumberTrust.Notifications.Email;

/// <summary>To, CC and BCC lists; ACS needs at least one address in one of them.</summary>
public sealed class EmailRecipients
{
    public EmailRecipients(IEnumerable<EmailAddress> to)
        : this(to, null, null)
    {
    }

    public EmailRecipients(IEnumerable<EmailAddress>? to = null, IEnumerable<EmailAddress>? cc = null, IEnumerable<EmailAddress>? bcc = null)
    {
        To = [.. to ?? []];
        CC = [.. cc ?? []];
        BCC = [.. bcc ?? []];
    }

    public IList<EmailAddress> To { get; }

    public IList<EmailAddress> CC { get; }

    public IList<EmailAddress> BCC { get; }
}

namespace NumberTrust.Notifications.Email;

/// <summary>Subject and body of a message; ACS needs the subject and at least one of the two bodies.</summary>
public sealed class EmailContent(string subject)
{
    public string Subject { get; } = subject;

    public string? PlainText { get; set; }

    public string? Html { get; set; }
}

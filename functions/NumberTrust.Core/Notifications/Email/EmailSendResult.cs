namespace NumberTrust.Notifications.Email;

/// <summary>The final state of a successful send operation (<see cref="EmailSendOperation.Value"/>).</summary>
public sealed class EmailSendResult
{
    internal EmailSendResult(string id, EmailSendStatus status)
    {
        Id = id;
        Status = status;
    }

    public string Id { get; }

    public EmailSendStatus Status { get; }
}

namespace NumberTrust.Notifications.Email;

/// <summary>The message is over ACS Email's size limit; it was not sent and never can be in this form.</summary>
public sealed class EmailMessageTooLargeException(long size, long limit)
    : ArgumentException($"The email message is {size} bytes as sent to ACS Email (attachments base64-encoded); the limit is {limit} bytes.")
{
    public long Size { get; } = size;

    public long Limit { get; } = limit;
}

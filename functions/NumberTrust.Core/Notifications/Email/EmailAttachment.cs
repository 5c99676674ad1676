namespace NumberTrust.Notifications.Email;

/// <summary>A file sent with a message; ACS receives it base64-encoded, which counts towards the 10 MB limit.</summary>
public sealed class EmailAttachment(string name, string contentType, BinaryData content)
{
    public string Name { get; } = name;

    public string ContentType { get; } = contentType;

    public BinaryData Content { get; } = content;
}

using System.Buffers;
using System.Text.Json;

namespace NumberTrust.Notifications.Email;

/// <summary>Validates a message the way the package does and writes the <c>emails:send</c> JSON body (API 2023-03-31).</summary>
internal static class EmailRequestBody
{
    public static byte[] Serialize(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Validate(message);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("senderAddress", message.SenderAddress);
            json.WriteStartObject("content");
            json.WriteString("subject", message.Content.Subject);
            WriteIfPresent(json, "plainText", message.Content.PlainText);
            WriteIfPresent(json, "html", message.Content.Html);
            json.WriteEndObject();
            json.WriteStartObject("recipients");
            WriteAddresses(json, "to", message.Recipients.To, always: true);
            WriteAddresses(json, "cc", message.Recipients.CC, always: false);
            WriteAddresses(json, "bcc", message.Recipients.BCC, always: false);
            json.WriteEndObject();
            WriteAddresses(json, "replyTo", message.ReplyTo, always: false);
            if (message.Headers.Count > 0)
            {
                json.WriteStartObject("headers");
                foreach (var (name, value) in message.Headers)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            if (message.Attachments.Count > 0)
            {
                json.WriteStartArray("attachments");
                foreach (var attachment in message.Attachments)
                {
                    json.WriteStartObject();
                    json.WriteString("name", attachment.Name);
                    json.WriteString("contentType", attachment.ContentType);
                    json.WriteBase64String("contentInBase64", attachment.Content.ToMemory().Span);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (message.UserEngagementTrackingDisabled is { } disabled)
            {
                json.WriteBoolean("userEngagementTrackingDisabled", disabled);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Validate(EmailMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.Content.Subject))
        {
            throw new ArgumentException("The email needs a subject.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.Content.PlainText) && string.IsNullOrWhiteSpace(message.Content.Html))
        {
            throw new ArgumentException("The email needs a plain-text or an HTML body.", nameof(message));
        }

        var recipients = message.Recipients;
        if (recipients.To.Count + recipients.CC.Count + recipients.BCC.Count == 0)
        {
            throw new ArgumentException("The email needs at least one recipient (To, CC or BCC).", nameof(message));
        }

        foreach (var address in recipients.To.Concat(recipients.CC).Concat(recipients.BCC).Concat(message.ReplyTo))
        {
            if (string.IsNullOrWhiteSpace(address.Address))
            {
                throw new ArgumentException("Every recipient and reply-to entry needs an address.", nameof(message));
            }
        }

        foreach (var (name, value) in message.Headers)
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"Header '{name}' needs a name and a non-empty value.", nameof(message));
            }
        }

        foreach (var attachment in message.Attachments)
        {
            if (string.IsNullOrWhiteSpace(attachment.Name) || string.IsNullOrWhiteSpace(attachment.ContentType) || attachment.Content is null)
            {
                throw new ArgumentException("Every attachment needs a name, a content type and content.", nameof(message));
            }
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteAddresses(Utf8JsonWriter json, string name, IList<EmailAddress> addresses, bool always)
    {
        if (addresses.Count == 0 && !always)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var address in addresses)
        {
            json.WriteStartObject();
            json.WriteString("address", address.Address);
            WriteIfPresent(json, "displayName", address.DisplayName);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

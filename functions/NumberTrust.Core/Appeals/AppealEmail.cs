using System.Text;
using NumberTrust.Notifications.Email;

namespace NumberTrust.Appeals;

/// <summary>
/// The email of an Email-channel appeal: to the route's address, reply-to the appeal's contact email (the platform answers the
/// business, not the system), the packet text in the route's language, and every evidence file attached.
/// </summary>
public static class AppealEmail
{
    /// <summary>The stable ACS Operation-Id of an appeal's email: one send per appeal, whatever retries or redeliveries happen.</summary>
    public static Guid OperationIdFor(string tenantId, string appealId) => EmailOperationIds.For(tenantId, "appeal-email", appealId);

    public static string SubjectOf(AppealEntity appeal, string language) =>
        IsChinese(language)
            ? $"号码标记申诉：{appeal.Number}（{appeal.Platform}）"
            : $"Caller-ID label appeal: {appeal.Number} on {appeal.Platform}";

    public static async Task<EmailMessage> BuildAsync(
        AppealEntity appeal, AppealRoute route, string sender, EvidenceStore evidence, CancellationToken cancellationToken)
    {
        var chinese = IsChinese(route.Language);
        var text = new StringBuilder(AppealPacket.TextOf(appeal, route.Language)).Append("\n\n");
        var message = new EmailMessage(sender, route.EmailAddress!, new EmailContent(SubjectOf(appeal, route.Language)));
        if (appeal.Evidence.Count > 0)
        {
            text.Append(chinese ? "附件（证明材料）：\n" : "Attached evidence:\n");
        }

        foreach (var (kind, file) in appeal.Evidence.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            await using var stream = await evidence.OpenAsync(AppealEvidenceApi.BlobOf(appeal, kind, file), cancellationToken)
                ?? throw new InvalidOperationException($"The evidence file '{kind}' of appeal {appeal.Id} is missing from blob storage.");
            var content = await BinaryData.FromStreamAsync(stream, cancellationToken);
            message.Attachments.Add(new EmailAttachment(kind + ExtensionOf(file.ContentType), file.ContentType, content));
            text.Append("- ").Append(kind).Append(" (SHA-256 ").Append(file.Sha256).Append(")\n");
        }

        text.Append(chinese ? $"\n申诉编号：{appeal.Id}" : $"\nAppeal reference: {appeal.Id}");
        message.Content.PlainText = text.ToString();
        // An address ACS would refuse must not sink the whole appeal: without a reply-to the platform answers the sender's domain.
        if (appeal.ContactEmail is { } contact && EmailOptionsValidator.LooksLikeAddress(contact))
        {
            message.ReplyTo.Add(new EmailAddress(appeal.ContactEmail, appeal.ContactName));
        }

        return message;
    }

    /// <summary>A lower bound of the message as ACS measures it (attachments base64-encoded), for refusing a submit that can never be sent.</summary>
    public static long EstimatedBytes(AppealEntity appeal) =>
        appeal.Evidence.Values.Sum(f => (f.Size + 2) / 3 * 4) + 16 * 1024;

    private static string ExtensionOf(string contentType) => contentType switch
    {
        "application/pdf" => ".pdf",
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        _ => "",
    };

    private static bool IsChinese(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
}

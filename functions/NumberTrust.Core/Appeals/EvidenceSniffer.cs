namespace NumberTrust.Appeals;

/// <summary>
/// Decides what an evidence file is from its first bytes, never from a name or a Content-Type header: PDF (<c>%PDF-</c>), JPEG
/// (<c>FF D8 FF</c>) or PNG (the 8-byte PNG signature). Anything else is refused.
/// </summary>
public static class EvidenceSniffer
{
    /// <summary>The largest evidence file accepted (5 MiB: a scanned licence or bill fits, a video does not).</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public static readonly IReadOnlyList<string> Allowed = ["application/pdf", "image/jpeg", "image/png"];

    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static string? ContentTypeOf(ReadOnlySpan<byte> content) =>
        content.StartsWith(Pdf) ? "application/pdf"
        : content.StartsWith(Png) ? "image/png"
        : content.StartsWith(Jpeg) ? "image/jpeg"
        : null;
}

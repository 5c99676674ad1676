using System.Text.Json;
using NumberTrust.Hosting;

namespace NumberTrust.Appeals;

/// <summary>One uploaded evidence file of an appeal: what the sniffer found, its size and SHA-256 (hex), and when it came.</summary>
public sealed record EvidenceFile(string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt, string? CopiedFrom = null)
{
    public static IReadOnlyDictionary<string, EvidenceFile> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, EvidenceFile>>(json, ApiJson.Options) ?? [];

    public static string? Serialize(IReadOnlyDictionary<string, EvidenceFile> files) =>
        files.Count == 0 ? null : JsonSerializer.Serialize(files, ApiJson.Options);
}

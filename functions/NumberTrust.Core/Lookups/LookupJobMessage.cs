using System.Security.Cryptography;
using System.Text;
using NumberTrust.Hosting;

namespace NumberTrust.Lookups;

/// <summary>
/// One lookup of one number on one platform. <see cref="JobId"/> is stable across redeliveries and reschedules.
/// <see cref="Expected"/>: the <see cref="LabelFingerprint"/> of the state when the job was planned, if it was settled; null to
/// always read the state first (on-demand scans, older messages). <see cref="NotBefore"/>: when the planner made the job visible
/// (its spread delay), so the wait a worker measures starts there; null for jobs visible at once. <see cref="MaxAge"/>: an
/// on-demand job's own bound on how old a shared observation may be (shorter than <c>Lookups:SharedFreshness</c>); null for the window.
/// </summary>
public sealed record LookupJobMessage(
    int Version,
    string JobId,
    string Number,
    string Region,
    string NumberType,
    string Platform,
    DateTimeOffset DueAt,
    string? RunId,
    int Reschedules,
    string? Expected = null,
    DateTimeOffset? NotBefore = null,
    TimeSpan? MaxAge = null) : IVersionedMessage
{
    public const int CurrentVersion = 1;

    /// <summary>A job id derived from what the job is, so the same due lookup planned twice has the same id.</summary>
    public static string IdFor(string number, string platform, DateTimeOffset dueAt, string? runId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{number}|{platform}|{dueAt.UtcTicks}|{runId}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}

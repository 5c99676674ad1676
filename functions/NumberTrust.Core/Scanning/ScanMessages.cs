using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NumberTrust.Hosting;

namespace NumberTrust.Scanning;

/// <summary>
/// Planner work item: plan every number of one shard of the due index whose due time lies in [<see cref="From"/>, <see cref="To"/>].
/// Versioned so producers and consumers of different releases can coexist.
/// </summary>
/// <remarks>
/// <see cref="Retries"/>: how often the plan was poisoned and sent again (<c>ScanPlanner.HandlePoisonAsync</c>); absent is 0.
/// <see cref="Next"/>: the shard of the same tick to plan after this one (the tick starts <c>Scanning:PlannerShardsInFlight</c>
/// chains of shards, and each shard plan enqueues the next of its chain when it is done); absent is none.
/// </remarks>
public sealed record PlanShardMessage(int Version, int Shard, DateTimeOffset From, DateTimeOffset To, DateTimeOffset PlannedAt, int Retries = 0, int? Next = null)
{
    public const int CurrentVersion = 1;
}

/// <summary>
/// One lookup of one number on one platform. <see cref="JobId"/> is stable across redeliveries and reschedules.
/// <see cref="Expected"/>: the <see cref="LabelFingerprint"/> of the state when the job was planned, if it was settled; null to
/// always read the state first (on-demand scans, older messages).
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
    string? Expected = null)
{
    public const int CurrentVersion = 1;

    /// <summary>A job id derived from what the job is, so the same due lookup planned twice has the same id.</summary>
    public static string IdFor(string number, string platform, DateTimeOffset dueAt, string? runId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{number}|{platform}|{dueAt.UtcTicks}|{runId}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}

/// <summary>
/// One page of a tenant-wide on-demand scan to expand into lookup jobs: the registrations after <see cref="After"/> (null = from
/// the start). Each page is its own message, so a crash costs at most one page of work.
/// </summary>
public sealed record ExpandScanRunMessage(int Version, string RunId, string TenantId, string? After = null)
{
    public const int CurrentVersion = 1;
}

/// <summary>
/// One page of a tenant's registrations whose due times must not lie past its peak windows saved as <see cref="Revision"/>: the
/// registrations after <see cref="After"/> (null = from the start). A page of a superseded revision stops its chain, since the
/// newer save started its own.
/// </summary>
public sealed record PullSchedulesForwardMessage(int Version, string TenantId, string Revision, string? After = null)
{
    public const int CurrentVersion = 1;
}

/// <summary>Serialises queue messages (JSON, camelCase) and refuses versions this build does not understand.</summary>
public static class ScanMessageJson
{
    public static BinaryData Serialize<T>(T message) => BinaryData.FromObjectAsJson(message, ApiJson.Options);

    public static T Deserialize<T>(BinaryData body, int supportedVersion, Func<T, int> version)
    {
        T? message;
        try
        {
            message = body.ToObjectFromJson<T>(ApiJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidMessageException($"{typeof(T).Name} is not valid JSON: {e.Message}", e);
        }

        if (message is null)
        {
            throw new InvalidMessageException($"{typeof(T).Name} is empty.");
        }

        if (version(message) != supportedVersion)
        {
            throw new InvalidMessageException($"{typeof(T).Name} version {version(message)} is not supported (this build reads {supportedVersion}).");
        }

        return message;
    }

    /// <summary>For poison handlers: the message, or null with the reason when it can never be read (it is then only logged).</summary>
    public static T? TryDeserialize<T>(BinaryData body, int supportedVersion, Func<T, int> version, out string? error)
        where T : class
    {
        try
        {
            error = null;
            return Deserialize(body, supportedVersion, version);
        }
        catch (InvalidMessageException e)
        {
            error = e.Message;
            return null;
        }
    }
}

/// <summary>A queue message that can never be processed (bad JSON, unknown version); it ends in the poison queue.</summary>
public sealed class InvalidMessageException(string message, Exception? inner = null) : Exception(message, inner);

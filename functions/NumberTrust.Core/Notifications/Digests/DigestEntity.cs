using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Notifications.Digests;

/// <summary>
/// One tenant's digest for one local date. Table <c>Digests</c>, partition = tenant, row <c>day|{yyyy-MM-dd}</c>: written once
/// (Add), so it is the "digest made for this date" mark; it holds the event as composed, so a retry publishes the same one.
/// </summary>
public sealed class DigestEntity : ITableEntity
{
    public const string RowPrefix = "day|";

    public const string DailyKind = "daily";
    public const string AllClearKind = "all_clear";
    public const string NothingKind = "none";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary><see cref="DailyKind"/>, <see cref="AllClearKind"/> or <see cref="NothingKind"/> (nothing to say: no event).</summary>
    public string Kind { get; set; } = NothingKind;

    /// <summary>The <see cref="NotificationEvent"/> as queued (JSON); null for <see cref="NothingKind"/>.</summary>
    public string? Event { get; set; }

    public DateTimeOffset ComposedAt { get; set; }

    /// <summary>Set once the event is on the <c>alerts</c> queue; until then the timer queues the tenant again.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public bool Done => Kind == NothingKind || PublishedAt is not null;

    public static string RowFor(DateOnly localDate) => RowPrefix + localDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

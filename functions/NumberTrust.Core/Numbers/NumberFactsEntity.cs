using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Numbers;

/// <summary>
/// Facts about a number shared by every tenant that watches it (row <c>number</c>, partition = E.164), the watchers included, so
/// the planner and the lookup worker learn everything about a number from one point read.
/// </summary>
public sealed class NumberFactsEntity : ITableEntity
{
    public const string Row = "number";

    /// <summary>The watcher list is one string property (64 KiB): room for several hundred tenants per number.</summary>
    public const int MaxWatchersJson = 60 * 1024;

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Region { get; set; } = "";

    public string NumberType { get; set; } = "";

    /// <summary>JSON array of <see cref="Watcher"/>s.</summary>
    public string Watchers { get; set; } = "[]";

    /// <summary>
    /// The number's schedule chain: the partition of the due-index entry (<c>ScanSchedule</c>) that started it, or null when unscheduled.
    /// The planner moves the chain without writing this row (see <see cref="Scheduling.ScheduleChains"/>). Stored as "" once
    /// unscheduled, since a merge cannot remove a property; read back as null.
    /// </summary>
    public string? DuePartition { get => _duePartition; set => _duePartition = string.IsNullOrEmpty(value) ? null : value; }

    private string? _duePartition;

    /// <summary>True while a removal appeal is open on any platform (scanned daily meanwhile).</summary>
    public bool AppealOpen { get; set; }

    /// <summary>Until when a resolved appeal of this number is watched for a relabel (lookups skip the marker query otherwise).</summary>
    public DateTimeOffset? RelabelWatchUntil { get; set; }

    public IReadOnlyList<Watcher> WatcherList() => JsonSerializer.Deserialize<Watcher[]>(Watchers, Hosting.ApiJson.Options) ?? [];

    /// <summary>The typed view of a facts row read as a <see cref="TableEntity"/> (the planner also needs its per-platform label fingerprints).</summary>
    public static NumberFactsEntity From(TableEntity row) => new()
    {
        PartitionKey = row.PartitionKey,
        RowKey = row.RowKey,
        Timestamp = row.Timestamp,
        ETag = row.ETag,
        Region = row.GetString(nameof(Region)) ?? "",
        NumberType = row.GetString(nameof(NumberType)) ?? "",
        Watchers = row.GetString(nameof(Watchers)) ?? "[]",
        DuePartition = row.GetString(nameof(DuePartition)),
        AppealOpen = row.GetBoolean(nameof(AppealOpen)) ?? false,
        RelabelWatchUntil = row.GetDateTimeOffset(nameof(RelabelWatchUntil)),
    };

    public static string Serialize(IEnumerable<Watcher> watchers) => JsonSerializer.Serialize(watchers.ToArray(), Hosting.ApiJson.Options);
}

/// <summary>A tenant watching a number: what the planner needs to know of its registration.</summary>
public sealed record Watcher(string TenantId, string Cadence, IReadOnlyList<string> Platforms, DateTimeOffset RegisteredAt)
{
    public bool IsActive => Cadence != nameof(MonitoringCadence.Paused);

    public static Watcher Of(RegistrationEntity registration) => new(
        registration.PartitionKey, registration.Cadence, registration.PlatformList, registration.CreatedAt);
}

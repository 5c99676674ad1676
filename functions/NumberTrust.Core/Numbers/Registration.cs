using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Numbers;

/// <summary>How often a number is scanned. <see cref="Auto"/> follows the system's rules (daily while new or under appeal, weekly otherwise).</summary>
public enum MonitoringCadence
{
    Auto,
    Daily,
    Weekly,
    Paused,
}

/// <summary>Body of <c>PUT /api/numbers/{number}</c>. Absent fields take their defaults: a PUT replaces the registration.</summary>
public sealed record RegisterNumberRequest(
    string? DisplayName = null,
    string? Department = null,
    IReadOnlyList<string>? Tags = null,
    MonitoringCadence? Cadence = null,
    IReadOnlyList<string>? Platforms = null);

/// <summary>One platform's label state for a number (filled by scanning).</summary>
public sealed record LabelStatusView(
    string Platform,
    string State,
    string? Category,
    string? LabelText,
    int? ReportCount,
    string? SourceApp,
    DateTimeOffset? FirstSeenAt,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastChangedAt,
    int ConsecutiveUnknowns,
    string? LastUnknownReason,
    string? LastFailure,
    string? EvidenceUrl,
    int? EvidenceStatus,
    string? EvidenceExcerpt);

public sealed record NumberView(
    string Number,
    string InternationalFormat,
    string Region,
    NumberType Type,
    string? DisplayName,
    string? Department,
    IReadOnlyList<string> Tags,
    MonitoringCadence Cadence,
    IReadOnlyList<string> Platforms,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    bool Labeled,
    string? WorstCategory,
    IReadOnlyList<string> LabeledPlatforms,
    int? TrustScore,
    IReadOnlyList<LabelStatusView> Labels);

public sealed record NumberPage(IReadOnlyList<NumberView> Items, string? ContinuationToken);

/// <summary>A tenant's registration of a number. Partition = tenant id, row key = E.164: a tenant's list is one partition scan.</summary>
public sealed class RegistrationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string? DisplayName { get; set; }

    public string? Department { get; set; }

    /// <summary>JSON array of normalised tags.</summary>
    public string Tags { get; set; } = "[]";

    public string Cadence { get; set; } = nameof(MonitoringCadence.Auto);

    /// <summary>JSON array of platform ids; empty means every enabled platform for the number's market.</summary>
    public string Platforms { get; set; } = "[]";

    public string Region { get; set; } = "";

    public string NumberType { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Label summary of the number, denormalised by the scan pipeline for list filters.</summary>
    public bool Labeled { get; set; }

    /// <summary>JSON array of platform ids where the number is labeled.</summary>
    public string? LabeledPlatforms { get; set; }

    /// <summary>JSON array of canonical categories the number is labeled with.</summary>
    public string? LabelCategories { get; set; }

    public string? WorstCategory { get; set; }

    /// <summary>Carries the scan pipeline's label summary over when a registration is rewritten.</summary>
    public void KeepLabelSummaryOf(RegistrationEntity? existing)
    {
        if (existing is null)
        {
            return;
        }

        Labeled = existing.Labeled;
        LabeledPlatforms = existing.LabeledPlatforms;
        LabelCategories = existing.LabelCategories;
        WorstCategory = existing.WorstCategory;
    }

    [IgnoreDataMember]
    public IReadOnlyList<string> TagList => JsonSerializer.Deserialize<string[]>(Tags) ?? [];

    [IgnoreDataMember]
    public IReadOnlyList<string> PlatformList => JsonSerializer.Deserialize<string[]>(Platforms) ?? [];
}

/// <summary>
/// Facts about a number shared by every tenant that watches it: row <c>number</c> in partition = E.164 of the <c>Numbers</c> table.
/// The watching tenants are kept in the row itself (<see cref="Watchers"/>), so the planner and the lookup worker learn everything
/// about a number from one point read. Label state rows (<c>label|{platform}</c>), history (<c>hist|…</c>) and events
/// (<c>event|…</c>) live in the same partition, so a lookup's changes commit in one transaction.
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
    /// The planner moves the chain without writing this row (see <see cref="Scanning.DueEntryEntity"/>). Stored as "" once
    /// unscheduled, since a merge cannot remove a property; read back as null.
    /// </summary>
    public string? DuePartition { get => _duePartition; set => _duePartition = string.IsNullOrEmpty(value) ? null : value; }

    private string? _duePartition;

    /// <summary>True while a removal appeal is open on any platform (scanned daily meanwhile).</summary>
    public bool AppealOpen { get; set; }

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

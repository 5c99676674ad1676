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
    DateTimeOffset? LastChangedAt);

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

    [IgnoreDataMember]
    public IReadOnlyList<string> TagList => JsonSerializer.Deserialize<string[]>(Tags) ?? [];

    [IgnoreDataMember]
    public IReadOnlyList<string> PlatformList => JsonSerializer.Deserialize<string[]>(Platforms) ?? [];
}

/// <summary>
/// Facts about a number shared by every tenant that watches it, in partition = E.164 of the <c>Numbers</c> table:
/// row <c>number</c> (this entity), rows <c>watch|{tenant}</c> (<see cref="WatcherEntity"/>) and, once scanning runs,
/// rows <c>label|{platform}</c> with the label state. One partition per number keeps a number's facts in one transaction scope.
/// </summary>
public sealed class NumberFactsEntity : ITableEntity
{
    public const string Row = "number";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Region { get; set; } = "";

    public string NumberType { get; set; } = "";
}

/// <summary>Marks that a tenant watches a number, so a scan result can reach every watching tenant.</summary>
public sealed class WatcherEntity : ITableEntity
{
    public const string RowPrefix = "watch|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string TenantId { get; set; } = "";

    public string Cadence { get; set; } = nameof(MonitoringCadence.Auto);

    public string Platforms { get; set; } = "[]";

    public DateTimeOffset RegisteredAt { get; set; }

    public static string RowFor(string tenantId) => RowPrefix + tenantId;
}

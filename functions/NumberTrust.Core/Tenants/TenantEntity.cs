using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Tenants;

/// <summary>A customer. Partition <c>tenant</c>, row key = tenant id: the tenant list is small and read by point lookups.</summary>
public sealed class TenantEntity : ITableEntity
{
    public const string Partition = "tenant";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Name { get; set; } = "";

    public string DefaultRegion { get; set; } = "CN";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>JSON array of the tenant's peak windows (<see cref="Scheduling.PeakWindows"/>); null when none were ever set.</summary>
    public string? PeakWindows { get; set; }

    /// <summary>Changes with every save of <see cref="PeakWindows"/>, so a pull-forward started by an older save knows to stop.</summary>
    public string? PeakWindowsRevision { get; set; }

    /// <summary>JSON of the tenant's digest settings (<see cref="Notifications.Digests.DigestSettings"/>); null means the defaults.</summary>
    public string? DigestSettings { get; set; }

    /// <summary>JSON of the tenant's maintenance calendar settings (<see cref="Upkeep.Tasks.UpkeepTaskSettings"/>); null means the defaults.</summary>
    public string? UpkeepTaskSettings { get; set; }

    /// <summary>The tenant's own appeal response-time target in minutes (<c>PUT /api/appeal-settings</c>); null or 0 for <c>Appeals:ResponseTarget</c>.</summary>
    public double? AppealResponseTargetMinutes { get; set; }
}

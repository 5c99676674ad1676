using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Tenants;

/// <summary>The tenant an authenticated request acts for.</summary>
public sealed record TenantContext(string TenantId, string DefaultRegion);

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

    /// <summary>JSON array of the tenant's peak windows (<see cref="Scanning.PeakWindows"/>); null when none were ever set.</summary>
    public string? PeakWindows { get; set; }

    /// <summary>Changes with every save of <see cref="PeakWindows"/>, so a pull-forward started by an older save knows to stop.</summary>
    public string? PeakWindowsRevision { get; set; }
}

/// <summary>
/// An API key. Partition = key id (the public part of the key), so authentication is one point read; only a SHA-256 hash of
/// the secret is stored. The secret has 256 bits of entropy, so a fast hash is enough: there is nothing to brute-force.
/// </summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public const string Row = "key";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string TenantId { get; set; } = "";

    public string Name { get; set; } = "";

    public string SecretHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

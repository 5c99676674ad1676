using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Tenants;

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

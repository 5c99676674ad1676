using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Upkeep.Documents;

/// <summary>
/// A qualification document of a tenant, optionally of one of its numbers, with the expiry-reminder state. Table
/// <c>UpkeepDocuments</c>: partition {tenant}, row {document id}.
/// </summary>
public sealed class DocumentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Kind { get; set; } = "";

    public string? Title { get; set; }

    public string? Issuer { get; set; }

    public string? DocumentNumber { get; set; }

    /// <summary>yyyy-MM-dd, the last day the document is valid (tenant-local).</summary>
    public string Expires { get; set; } = "";

    /// <summary>E.164 of the number the document is for; null for the tenant's own documents (its business licence).</summary>
    public string? Number { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? RemindedFor { get; set; }

    public int? RemindedThreshold { get; set; }

    public string EntityTag => ETag.ToString();
}

using Azure;
using Azure.Data.Tables;

namespace NumberTrust.ScanRuns;

/// <summary>
/// An on-demand scan run. Table <c>ScanRuns</c>, partition = run id: the header row <c>run</c> and one row per job
/// (<c>job|{platform}|{number}</c>), so a run's progress is one partition query and jobs never contend on a shared counter.
/// </summary>
public sealed class ScanRunEntity : ITableEntity
{
    public const string HeaderRow = "run";

    /// <summary>Row-key prefix of the run's job rows (<c>job|{platform}|{number}</c>).</summary>
    public const string JobRowPrefix = "job|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = HeaderRow;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>The number for a single-number run; null for a tenant-wide run.</summary>
    public string? Number { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>True once every job of the run has been enqueued (tenant-wide runs expand in the background).</summary>
    public bool Expanded { get; set; }

    public int TotalJobs { get; set; }

    /// <summary>Last registration expanded so far (tenant-wide runs); the next page starts after it.</summary>
    public string? Cursor { get; set; }

    /// <summary>How old a shared observation may be for this run's jobs, in seconds (fresh or maxAgeSeconds of a tenant-wide run); null for the window.</summary>
    public int? MaxAgeSeconds { get; set; }

    public TimeSpan? MaxAge => MaxAgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>Why the expansion was given up (its message was poisoned); the run has ended. Null while it is healthy.</summary>
    public string? Failure { get; set; }
}

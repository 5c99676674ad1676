using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>
/// What a tenant expects callers to see for a number on one platform, with the open DisplayMismatch episode and the
/// certification-expiry reminder state. Table <c>UpkeepExpectations</c>: partition {tenant}, row <c>{E.164}|{platform}</c>.
/// </summary>
public sealed class ExpectationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Number { get; set; } = "";

    public string Platform { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? CertificationProvider { get; set; }

    /// <summary>yyyy-MM-dd, the last day the certification is valid (tenant-local).</summary>
    public string? CertificationExpires { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The lookup time of the last reading that changed the episode state; older readings are ignored.</summary>
    public DateTimeOffset? CheckedAt { get; set; }

    public DateTimeOffset? MismatchSince { get; set; }

    public string? MismatchEventId { get; set; }

    /// <summary>The expectation the open episode was raised against (name and provider): a new expectation opens a new episode.</summary>
    public string? MismatchExpected { get; set; }

    public string? MismatchReasons { get; set; }

    public string? MismatchShownName { get; set; }

    public string? RemindedFor { get; set; }

    public int? RemindedThreshold { get; set; }

    public string EntityTag => ETag.ToString();
}

/// <summary>A planned display label (a campaign name) for a number on one platform. Table <c>UpkeepDisplayLabels</c>: partition {tenant}, row <c>{E.164}|{id}</c>.</summary>
public sealed class PlannedLabelEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id { get; set; } = "";

    public string Number { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>yyyy-MM-dd, first tenant-local day the platform should show the label.</summary>
    public string Start { get; set; } = "";

    /// <summary>yyyy-MM-dd, last tenant-local day the platform should show the label.</summary>
    public string End { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The start date the "upcoming" reminder was sent for.</summary>
    public string? UpcomingSentFor { get; set; }

    /// <summary>The end date the "ended" reminder was sent for.</summary>
    public string? EndedSentFor { get; set; }

    /// <summary>The start date a scan was started for once the window opened (the check that the platform shows the label).</summary>
    public string? StartCheckedFor { get; set; }
}

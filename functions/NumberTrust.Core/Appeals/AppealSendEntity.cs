using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Appeals;

/// <summary>Where a channel send stands: waiting for an attempt, polling the vendor's operation, done, or given up.</summary>
public enum AppealSendStatus
{
    Pending,
    Polling,
    Done,
    Failed,
}

/// <summary>
/// The channel send of a submitted Email or Api appeal: row <c>send|{id}</c> in the tenant's partition of <c>Appeals</c>, written in
/// the submission's transaction (an outbox entry, so a crash after the commit still sends) and advanced by
/// <see cref="AppealSender"/>. <see cref="Attempt"/> numbers the queue messages; a message for another attempt is stale.
/// </summary>
public sealed class AppealSendEntity : ITableEntity
{
    public const string RowPrefix = "send|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    [IgnoreDataMember]
    public string AppealId => RowKey[RowPrefix.Length..];

    /// <summary>Email or Api.</summary>
    public string Channel { get; set; } = "";

    public string Status { get; set; } = nameof(AppealSendStatus.Pending);

    /// <summary>Number of the queue message that may work on the send next.</summary>
    public int Attempt { get; set; }

    /// <summary>Failed attempts so far (back-off and the give-up limit count these, not polls).</summary>
    public int Failures { get; set; }

    public int Polls { get; set; }

    /// <summary>Email: the stable ACS Operation-Id. Api: the vendor's operation id once it accepted the appeal.</summary>
    public string? OperationId { get; set; }

    /// <summary>Api: where the vendor's operation is polled (its Operation-Location, or ApiUrl/{id}).</summary>
    public string? OperationLocation { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public AppealSendStatus State => Enum.Parse<AppealSendStatus>(Status);

    public static string RowOf(string appealId) => RowPrefix + appealId;
}

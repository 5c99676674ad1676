using Azure;
using System.Runtime.Serialization;
using Azure.Data.Tables;

namespace NumberTrust.Appeals;

/// <summary>
/// A removal appeal: row <c>appeal|{id}</c> in the tenant's partition of <c>Appeals</c>. Its transitions are rows
/// <c>t|{id}|{seq:D4}</c> and, while it is open, the row <c>open|{number}|{platform}</c> holds its id, so "one open appeal per
/// number and platform" is enforced by the table itself (the marker is added in the appeal's transaction).
/// </summary>
public sealed class AppealEntity : ITableEntity
{
    public const string RowPrefix = "appeal|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id => RowKey[RowPrefix.Length..];

    public string Number { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Status { get; set; } = nameof(AppealStatus.Draft);

    public string Reason { get; set; } = "";

    public string? ContactName { get; set; }

    public string? ContactPhone { get; set; }

    public string? ContactEmail { get; set; }

    public string? CompanyName { get; set; }

    /// <summary>The business's registration id (unified social credit code, EIN).</summary>
    public string? RegistrationId { get; set; }

    public string? Text { get; set; }

    public string? TicketNumber { get; set; }

    public string? Note { get; set; }

    public string? RejectionReason { get; set; }

    /// <summary>The rejected appeal this one re-opens.</summary>
    public string? ReopenedFrom { get; set; }

    /// <summary>True when it was submitted with required evidence missing (<c>force</c>).</summary>
    public bool Forced { get; set; }

    /// <summary>When the label this appeal is about was first seen (start of the response time).</summary>
    public DateTimeOffset? LabelFirstSeenAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int Transitions { get; set; }

    /// <summary>The lookup job that first saw the label gone in the current run of clean checks, and when it checked.</summary>
    public string? CleanJobId { get; set; }

    public DateTimeOffset? CleanAt { get; set; }

    /// <summary>The lookup job whose check verified the removal (the second clean check); set with Resolved.</summary>
    public string? VerifiedJobId { get; set; }

    /// <summary>The platform's label text when the appeal was opened (quoted in the packet).</summary>
    public string? LabelText { get; set; }

    /// <summary>Uploaded evidence as JSON (kind -> <see cref="EvidenceFile"/>); the files are blobs <c>{tenant}/{id}/{kind}</c>.</summary>
    public string? EvidenceJson { get; set; }

    /// <summary>When the sweep found it past the platform's typical turnaround (set once, so appeal.overdue is raised once).</summary>
    public DateTimeOffset? OverdueAt { get; set; }

    /// <summary>The resolved appeal whose label came back, for a follow-up opened by relabel detection.</summary>
    public string? FollowUpOf { get; set; }

    /// <summary>On a resolved appeal: when its label came back (within 90 days) and the follow-up that was opened.</summary>
    public DateTimeOffset? RelabeledAt { get; set; }

    public string? FollowUpId { get; set; }

    /// <summary>Set by the first step of a delete: the appeal reads as gone while its blobs and rows are removed (the sweep finishes a crashed delete).</summary>
    public bool Deleting { get; set; }

    public AppealStatus State => Enum.Parse<AppealStatus>(Status);

    [IgnoreDataMember]
    public IReadOnlyDictionary<string, EvidenceFile> Evidence =>
        EvidenceJson is null ? new Dictionary<string, EvidenceFile>() : EvidenceFile.Parse(EvidenceJson);

    public string EntityTag => ETag.ToString();

    public static string RowOf(string id) => RowPrefix + id;

    public static string OpenRow(string number, string platform) => $"open|{number}|{platform}";

    public static string TransitionRow(string id, int seq) => $"t|{id}|{seq:D4}";

    /// <summary>The row remembering the last submission for a number and platform (the frequency limit's clock).</summary>
    public static string LastRow(string number, string platform) => $"last|{number}|{platform}";

    /// <summary>An event written with the change that raised it and deleted once published (the appeals outbox).</summary>
    public static string EventRow(string eventId) => "event|" + eventId;
}

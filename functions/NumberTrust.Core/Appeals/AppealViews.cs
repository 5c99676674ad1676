namespace NumberTrust.Appeals;

public sealed record AppealTransitionView(string? From, string To, string Actor, DateTimeOffset At, string Why);

public sealed record AppealView(
    string Id,
    string Number,
    string Platform,
    string Status,
    string Reason,
    string? ContactName,
    string? ContactPhone,
    string? ContactEmail,
    string? CompanyName,
    string? RegistrationId,
    string? Text,
    string? TicketNumber,
    string? Note,
    string? RejectionReason,
    string? ReopenedFrom,
    bool Forced,
    DateTimeOffset? LabelFirstSeenAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ClosedAt,
    // From the label's first sighting to the submission (the response time), in seconds.
    double? ResponseSeconds,
    IReadOnlyList<AppealTransitionView> Transitions,
    string? LabelText = null,
    IReadOnlyDictionary<string, EvidenceFile>? Evidence = null,
    // When the platform's typical turnaround ends (from the submission), whether it has passed while the appeal is open, and
    // when the sweep raised appeal.overdue.
    DateTimeOffset? DueAt = null,
    bool Overdue = false,
    DateTimeOffset? OverdueAt = null,
    AppealPacket? Packet = null,
    // Relabel detection: the resolved appeal a follow-up continues; on the resolved one, when the label came back and the follow-up.
    string? FollowUpOf = null,
    DateTimeOffset? RelabeledAt = null,
    string? FollowUpId = null,
    // The Email/Api channel's send: where it stands, the operation, attempts and the next one, the last error.
    AppealSendView? Send = null,
    // Appeals:ResponseTarget, and whether the submission came within it (null until submitted, or without a first sighting).
    double? ResponseTargetSeconds = null,
    bool? WithinResponseTarget = null)
{
    public static AppealView Of(AppealEntity a, IReadOnlyList<AppealTransitionView> transitions, AppealRoute route, DateTimeOffset now,
        TimeSpan responseTarget, AppealPacket? packet = null)
    {
        var due = a.SubmittedAt is { } submitted ? route.DueAt(submitted) : null;
        var view = Of(a, transitions);
        return view with
        {
            ResponseTargetSeconds = responseTarget.TotalSeconds,
            WithinResponseTarget = view.ResponseSeconds is { } seconds ? seconds <= responseTarget.TotalSeconds : null,
            LabelText = a.LabelText,
            Evidence = a.Evidence,
            DueAt = due,
            Overdue = IsOverdue(a, route, now),
            OverdueAt = a.OverdueAt,
            Packet = packet,
            FollowUpOf = a.FollowUpOf,
            RelabeledAt = a.RelabeledAt,
            FollowUpId = a.FollowUpId,
        };
    }

    /// <summary>Open after submission and past the platform's typical turnaround.</summary>
    public static bool IsOverdue(AppealEntity a, AppealRoute route, DateTimeOffset now) =>
        a.State is AppealStatus.Submitted or AppealStatus.InReview && a.SubmittedAt is { } s && route.DueAt(s) is { } due && due <= now;

    private static AppealView Of(AppealEntity a, IReadOnlyList<AppealTransitionView> transitions) => new(
        a.Id, a.Number, a.Platform, a.Status, a.Reason, a.ContactName, a.ContactPhone, a.ContactEmail, a.CompanyName, a.RegistrationId,
        a.Text, a.TicketNumber, a.Note, a.RejectionReason, a.ReopenedFrom, a.Forced, a.LabelFirstSeenAt, a.CreatedAt, a.UpdatedAt,
        a.SubmittedAt, a.ClosedAt,
        a.SubmittedAt is { } s && a.LabelFirstSeenAt is { } f ? Math.Max(0, (s - f).TotalSeconds) : null,
        transitions);
}

/// <summary>An appeal's channel send as the appeal read shows it.</summary>
public sealed record AppealSendView(
    string Channel, string Status, string? OperationId, int Failures, int Polls, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset UpdatedAt)
{
    public static AppealSendView? Of(AppealSendEntity? s) => s is null
        ? null
        : new(s.Channel, s.Status, s.OperationId, s.Failures, s.Polls,
            s.State is AppealSendStatus.Pending or AppealSendStatus.Polling ? s.NextAttemptAt : null, s.LastError, s.UpdatedAt);
}

public sealed record AppealPage(IReadOnlyList<AppealView> Items, string? ContinuationToken);

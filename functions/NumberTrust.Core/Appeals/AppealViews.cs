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
    IReadOnlyList<AppealTransitionView> Transitions)
{
    public static AppealView Of(AppealEntity a, IReadOnlyList<AppealTransitionView> transitions) => new(
        a.Id, a.Number, a.Platform, a.Status, a.Reason, a.ContactName, a.ContactPhone, a.ContactEmail, a.CompanyName, a.RegistrationId,
        a.Text, a.TicketNumber, a.Note, a.RejectionReason, a.ReopenedFrom, a.Forced, a.LabelFirstSeenAt, a.CreatedAt, a.UpdatedAt,
        a.SubmittedAt, a.ClosedAt,
        a.SubmittedAt is { } s && a.LabelFirstSeenAt is { } f ? Math.Max(0, (s - f).TotalSeconds) : null,
        transitions);
}

public sealed record AppealPage(IReadOnlyList<AppealView> Items, string? ContinuationToken);

namespace NumberTrust.Appeals;

/// <summary>Where an appeal stands. Resolved, Rejected, Withdrawn and Expired are final.</summary>
public enum AppealStatus
{
    Draft,
    Submitted,
    InReview,
    Resolved,
    Rejected,
    Withdrawn,
    Expired,
}

/// <summary>The allowed transitions of an appeal (see docs/architecture.md, "Appeals").</summary>
public static class AppealStateMachine
{
    public static bool IsOpen(AppealStatus status) => status is AppealStatus.Draft or AppealStatus.Submitted or AppealStatus.InReview;

    public static bool CanMove(AppealStatus from, AppealStatus to) => (from, to) switch
    {
        (AppealStatus.Draft, AppealStatus.Submitted or AppealStatus.Withdrawn) => true,
        (AppealStatus.Submitted, AppealStatus.InReview) => true,
        (AppealStatus.Submitted or AppealStatus.InReview,
            AppealStatus.Resolved or AppealStatus.Rejected or AppealStatus.Withdrawn or AppealStatus.Expired) => true,
        _ => false,
    };
}

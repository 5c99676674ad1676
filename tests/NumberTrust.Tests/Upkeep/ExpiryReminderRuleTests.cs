using NumberTrust.Upkeep.Expectations;
using NumberTrust.Upkeep.Reminders;

namespace NumberTrust.Tests.Upkeep;

/// <summary>The reminder rules on their own: which threshold is due, given the date and what was sent already (cases worked out by hand).</summary>
public sealed class ExpiryReminderRuleTests
{
    private static readonly DateOnly Expires = new(2026, 12, 31);

    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-11-30", null)]  // 31 days before
    [InlineData("2026-12-01", 30)]    // 30 days before
    [InlineData("2026-12-23", 30)]    // 8 days before, nothing sent yet
    [InlineData("2026-12-24", 7)]     // 7 days before
    [InlineData("2026-12-30", 7)]
    [InlineData("2026-12-31", 0)]     // the day
    [InlineData("2027-01-05", 0)]     // after the day, never reminded: the one reminder that is still news
    public void Nothing_sent_yet_sends_the_nearest_threshold_passed(string today, int? expected) =>
        Assert.Equal(expected, ExpiryReminder.Due(D(today), Expires, null, null));

    [Theory]
    [InlineData("2026-12-10", 30, null)]  // 30 already sent for this date
    [InlineData("2026-12-24", 30, 7)]
    [InlineData("2026-12-25", 7, null)]
    [InlineData("2026-12-31", 7, 0)]
    [InlineData("2027-01-01", 0, null)]
    public void The_same_date_sends_each_threshold_once(string today, int sent, int? expected) =>
        Assert.Equal(expected, ExpiryReminder.Due(D(today), Expires, Expires, sent));

    [Fact]
    public void A_date_moved_later_after_a_reminder_re_arms_the_thresholds_still_ahead()
    {
        // 7 was sent for 31 Dec; the document was renewed until 15 Feb.
        var renewed = new DateOnly(2027, 2, 15);
        Assert.Null(ExpiryReminder.Due(D("2026-12-26"), renewed, Expires, 7));
        Assert.Equal(30, ExpiryReminder.Due(D("2027-01-16"), renewed, Expires, 7));
        Assert.Equal(7, ExpiryReminder.Due(D("2027-02-08"), renewed, renewed, 30));
    }

    [Fact]
    public void A_date_moved_earlier_does_not_send_a_threshold_already_sent_again()
    {
        // 30 was sent for 31 Dec on 1 Dec; the date is corrected to 28 Dec.
        var corrected = new DateOnly(2026, 12, 28);
        Assert.Null(ExpiryReminder.Due(D("2026-12-02"), corrected, Expires, 30));
        Assert.Equal(7, ExpiryReminder.Due(D("2026-12-21"), corrected, Expires, 30));
        Assert.Equal(0, ExpiryReminder.Due(D("2026-12-28"), corrected, corrected, 7));
    }

    [Theory]
    [InlineData("2026-11-03", null, null, null)]      // 8 days before the start
    [InlineData("2026-11-04", null, null, "upcoming")] // 7 days before
    [InlineData("2026-11-10", null, null, "upcoming")] // the day before, never reminded
    [InlineData("2026-11-08", "2026-11-11", null, null)]
    [InlineData("2026-11-11", null, null, null)]      // in the window: the mismatch check's business
    [InlineData("2026-11-12", null, null, null)]      // the last day
    [InlineData("2026-11-13", null, null, "ended")]
    [InlineData("2026-11-20", "2026-11-11", null, "ended")] // a timer that was down: the latest reminder only
    [InlineData("2026-11-14", "2026-11-11", "2026-11-12", null)]
    [InlineData("2026-11-05", "2026-11-09", null, "upcoming")] // the start moved later after its reminder: armed again
    public void Display_label_reminders_go_out_before_the_start_and_after_the_end(string today, string? upcomingSent, string? endedSent, string? expected)
    {
        var label = new PlannedLabelEntity { Start = "2026-11-11", End = "2026-11-12", UpcomingSentFor = upcomingSent, EndedSentFor = endedSent };
        Assert.Equal(expected, UpkeepReminderScheduler.LabelReminder(label, D(today)));
    }

    [Theory]
    [InlineData("2026-11-10", null, false)]
    [InlineData("2026-11-11", null, true)]
    [InlineData("2026-11-12", null, true)]
    [InlineData("2026-11-12", "2026-11-11", false)]
    [InlineData("2026-11-12", "2026-11-09", true)]  // the start moved later: the new start is checked too
    [InlineData("2026-11-13", null, false)]
    public void The_window_opening_is_checked_once_per_start(string today, string? checkedFor, bool expected)
    {
        var label = new PlannedLabelEntity { Start = "2026-11-11", End = "2026-11-12", StartCheckedFor = checkedFor };
        Assert.Equal(expected, UpkeepReminderScheduler.NeedsStartCheck(label, D(today)));
    }
}

using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Scanning;

public sealed class LabelStateMachineTests
{
    private const string Number = "+8613800138000";
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly LookupOptions Options = new() { UnreadableAfter = 3, CountJumpMinDelta = 10, CountJumpMinRatio = 0.5 };

    private static int Severity(string? category) => category switch
    {
        "Fraud" => 3,
        "Harassment" => 2,
        "Sales" => 1,
        null => -1,
        _ => 0,
    };

    private static Transition Apply(LabelStateEntity? prior, Observation observation, string job = "j1", int minutes = 0) =>
        LabelStateMachine.Apply(Number, "qihoo360", prior, observation, job, T0.AddMinutes(minutes), Options, Severity);

    [Fact]
    public void A_first_label_records_history_and_raises_NewLabel()
    {
        var t = Apply(null, Labeled("Sales", "广告推销", 120, "360手机卫士"));

        Assert.Equal("Labeled", t.State.State);
        Assert.Equal("Sales", t.State.Category);
        Assert.Equal(120, t.State.ReportCount);
        Assert.Equal(T0, t.State.FirstSeenAt);
        Assert.Equal(T0, t.State.LastChangedAt);
        Assert.Equal("j1", t.State.LastJobId);
        Assert.NotNull(t.History);
        Assert.Equal(LabelEventType.NewLabel.ToString(), Assert.Single(t.Events).Type);
        Assert.Equal("j1-NewLabel", t.Events[0].EventId);
        Assert.True(t.State.FollowUpPending);
    }

    [Fact]
    public void The_same_label_again_changes_nothing_but_last_checked()
    {
        var first = Apply(null, Labeled("Sales", "广告推销", 120)).State;

        var t = Apply(first, Labeled("Sales", "广告推销", 125), "j2", minutes: 60);

        Assert.Null(t.History);
        Assert.Empty(t.Events);
        Assert.False(t.State.FollowUpPending);
        Assert.Equal(T0.AddMinutes(60), t.State.LastCheckedAt);
        Assert.Equal(T0, t.State.LastChangedAt);
        Assert.Equal(T0, t.State.FirstSeenAt);
        Assert.Equal(125, t.State.ReportCount);
    }

    [Theory]
    [InlineData("Sales", "Fraud", "escalation")]
    [InlineData("Fraud", "Harassment", "de-escalation")]
    public void A_new_category_raises_CategoryChanged_with_its_direction(string from, string to, string direction)
    {
        var prior = Apply(null, Labeled(from, from, 5)).State;

        var t = Apply(prior, Labeled(to, to, 6), "j2", minutes: 5);

        var e = Assert.Single(t.Events);
        Assert.Equal(nameof(LabelEventType.CategoryChanged), e.Type);
        Assert.Equal(direction, e.Direction);
        Assert.Equal(from, e.FromCategory);
        Assert.Equal(to, e.ToCategory);
        Assert.Equal(T0.AddMinutes(5), t.State.FirstSeenAt);
        Assert.NotNull(t.History);
    }

    [Theory]
    [InlineData(20, 40, true)]
    [InlineData(20, 29, false)]
    [InlineData(100, 140, false)]
    [InlineData(0, 10, true)]
    public void A_count_rise_is_a_CountJump_only_past_both_thresholds(int from, int to, bool jump)
    {
        var prior = Apply(null, Labeled("Sales", "推销", from)).State;

        var t = Apply(prior, Labeled("Sales", "推销", to), "j2");

        Assert.Equal(jump, t.Events.Any(e => e.Type == nameof(LabelEventType.CountJump)));
        Assert.Equal(jump, t.History is not null);
    }

    [Fact]
    public void A_label_that_disappears_raises_Cleared()
    {
        var prior = Apply(null, Labeled("Fraud", "诈骗电话", 9)).State;

        var t = Apply(prior, Clean(), "j2");

        Assert.Equal("Clean", t.State.State);
        Assert.Null(t.State.Category);
        var e = Assert.Single(t.Events);
        Assert.Equal(nameof(LabelEventType.Cleared), e.Type);
        Assert.Equal("Fraud", e.FromCategory);
        Assert.NotNull(t.History);
    }

    [Fact]
    public void Unknown_keeps_the_last_known_label_and_raises_Unreadable_once_per_streak()
    {
        var state = Apply(null, Labeled("Fraud", "诈骗电话", 9)).State;
        var raised = new List<int>();
        for (var i = 1; i <= 5; i++)
        {
            var t = Apply(state, Unknown("Captcha"), $"u{i}", minutes: i);
            Assert.Null(t.History);
            Assert.Equal("Labeled", t.State.State);
            Assert.Equal("Fraud", t.State.Category);
            Assert.Equal(i, t.State.ConsecutiveUnknowns);
            Assert.Equal("Captcha", t.State.LastUnknownReason);
            if (t.Events.Count > 0)
            {
                Assert.Equal(nameof(LabelEventType.Unreadable), Assert.Single(t.Events).Type);
                raised.Add(i);
            }

            state = t.State;
        }

        Assert.Equal([3], raised);

        var readable = Apply(state, Labeled("Fraud", "诈骗电话", 9), "r1", minutes: 10);
        Assert.Equal(0, readable.State.ConsecutiveUnknowns);
        Assert.False(readable.State.UnreadableRaised);
        Assert.Empty(readable.Events);
    }

    [Fact]
    public void Unknown_never_turns_into_clean_even_on_a_first_lookup()
    {
        var t = Apply(null, Unknown("EmptyBody"));

        Assert.Equal("Unknown", t.State.State);
        Assert.Null(t.History);
        Assert.Empty(t.Events);
    }

    [Fact]
    public void A_changed_label_text_in_the_same_category_is_history_without_an_event()
    {
        var prior = Apply(null, Labeled("Sales", "广告推销", 5, "360手机卫士")).State;

        var t = Apply(prior, Labeled("Sales", "推销", 5, "360手机卫士"), "j2");

        Assert.NotNull(t.History);
        Assert.Empty(t.Events);
    }
}

using NumberTrust.Numbers;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;

namespace NumberTrust.Tests.Scanning;

public sealed class CadencePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    /// <summary>Registered long enough ago that the new-number rule no longer applies.</summary>
    private static Watcher Old(string tenant, MonitoringCadence cadence = MonitoringCadence.Auto) =>
        new(tenant, cadence.ToString(), [], Now - TimeSpan.FromDays(90));

    private static PeakWindow Window(double startDays, double endDays) => new(null, Now.AddDays(startDays), Now.AddDays(endDays));

    private static Dictionary<string, IReadOnlyList<PeakWindow>> Windows(params (string Tenant, PeakWindow[] Windows)[] tenants) =>
        tenants.ToDictionary(t => t.Tenant, t => (IReadOnlyList<PeakWindow>)t.Windows, StringComparer.Ordinal);

    private static DateTimeOffset? NextDue(IReadOnlyList<Watcher> watchers, Dictionary<string, IReadOnlyList<PeakWindow>> windows, DateTimeOffset? now = null, bool appealOpen = false) =>
        CadencePolicy.NextDue(watchers, appealOpen, now ?? Now, windows);

    [Fact]
    public void An_auto_number_past_its_first_30_days_is_weekly_without_windows()
    {
        Assert.Equal(CadencePolicy.Weekly, CadencePolicy.Interval([Old("a")], false, Now, Windows()));
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a")], Windows()));
        Assert.Equal(CadencePolicy.Weekly, CadencePolicy.Interval([Old("a")], false, Now));
    }

    [Fact]
    public void An_auto_number_is_daily_while_its_tenants_window_is_on()
    {
        var windows = Windows(("a", [Window(-1, 2)]));

        Assert.Equal(CadencePolicy.Daily, CadencePolicy.Interval([Old("a")], false, Now, windows));
        Assert.Equal(Now + CadencePolicy.Daily, NextDue([Old("a")], windows));
    }

    [Fact]
    public void A_window_contains_its_start_but_not_its_end()
    {
        var window = Window(0, 3);
        var windows = Windows(("a", [window]));

        Assert.Equal(CadencePolicy.Daily, CadencePolicy.Interval([Old("a")], false, window.Start, windows));
        Assert.Equal(CadencePolicy.Daily, CadencePolicy.Interval([Old("a")], false, window.End - Tick, windows));
        Assert.Equal(CadencePolicy.Weekly, CadencePolicy.Interval([Old("a")], false, window.End, windows));
        Assert.Equal(CadencePolicy.Weekly, CadencePolicy.Interval([Old("a")], false, window.Start - Tick, windows));
    }

    [Fact]
    public void The_next_due_time_never_skips_the_start_of_an_upcoming_window()
    {
        var start = Now.AddDays(3);
        var windows = Windows(("a", [new PeakWindow("Singles' Day", start, start.AddDays(2))]));

        Assert.Equal(start, NextDue([Old("a")], windows));
        Assert.Equal(start, NextDue([Old("a")], windows, now: start - Tick));
        Assert.Equal(start + CadencePolicy.Daily, NextDue([Old("a")], windows, now: start));
    }

    [Fact]
    public void A_window_starting_after_the_next_scan_does_not_move_it()
    {
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a")], Windows(("a", [Window(7, 9)]))));
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a")], Windows(("a", [Window(8, 9)]))));
    }

    [Fact]
    public void The_earliest_upcoming_start_wins_and_windows_that_are_over_are_ignored()
    {
        var windows = Windows(("a", [Window(-10, -5), Window(5, 6), Window(2, 4), Window(3, 4)]));

        Assert.Equal(Now.AddDays(2), NextDue([Old("a")], windows));
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a")], Windows(("a", [Window(-10, -5), Window(-3, 0)]))));
    }

    [Fact]
    public void Inside_a_window_a_following_window_that_starts_within_the_day_comes_first()
    {
        var windows = Windows(("a", [Window(-1, 0.25), Window(0.5, 3)]));

        Assert.Equal(Now.AddDays(0.5), NextDue([Old("a")], windows));
    }

    [Fact]
    public void A_new_number_is_daily_and_still_scanned_when_a_window_opens_earlier_that_day()
    {
        var fresh = new Watcher("a", nameof(MonitoringCadence.Auto), [], Now.AddDays(-2));

        Assert.Equal(Now.AddHours(6), NextDue([fresh], Windows(("a", [Window(0.25, 1)]))));
        Assert.Equal(Now + CadencePolicy.Daily, NextDue([fresh], Windows()));
    }

    [Fact]
    public void An_open_appeal_keeps_a_number_daily_and_an_upcoming_start_still_applies()
    {
        Assert.Equal(Now + CadencePolicy.Daily, NextDue([Old("a")], Windows(), appealOpen: true));
        Assert.Equal(Now.AddHours(3), NextDue([Old("a")], Windows(("a", [Window(0.125, 1)])), appealOpen: true));
    }

    [Fact]
    public void Explicit_cadences_win_over_peak_windows()
    {
        var on = Windows(("a", [Window(-1, 2)]));
        var ahead = Windows(("a", [Window(0.1, 2)]));

        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a", MonitoringCadence.Weekly)], on));
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a", MonitoringCadence.Weekly)], ahead));
        Assert.Equal(Now + CadencePolicy.Daily, NextDue([Old("a", MonitoringCadence.Daily)], ahead));
        Assert.Null(NextDue([Old("a", MonitoringCadence.Paused)], on));
        Assert.Null(NextDue([Old("a", MonitoringCadence.Paused)], ahead));
    }

    [Fact]
    public void Only_the_windows_of_tenants_watching_the_number_count()
    {
        var windows = Windows(("other", [Window(-1, 2), Window(1, 2)]));

        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("a")], windows));
    }

    [Fact]
    public void With_several_tenants_the_most_demanding_one_decides()
    {
        // b's window is on: daily, although a (no windows) alone would be weekly.
        Assert.Equal(Now + CadencePolicy.Daily, NextDue([Old("a"), Old("b")], Windows(("b", [Window(-1, 1)]))));

        // a's window opens in two days and b's in three: the earliest start of any auto watcher's tenant.
        Assert.Equal(Now.AddDays(2), NextDue([Old("a"), Old("b")], Windows(("a", [Window(2, 3)]), ("b", [Window(3, 4)]))));

        // b watches weekly by choice, so b's earlier window does not pull the number forward; a's still does.
        Assert.Equal(
            Now.AddDays(4),
            NextDue([Old("a"), Old("b", MonitoringCadence.Weekly)], Windows(("a", [Window(4, 5)]), ("b", [Window(1, 5)]))));
    }

    [Fact]
    public void A_paused_watcher_and_its_windows_do_not_count()
    {
        var windows = Windows(("p", [Window(-1, 3), Window(1, 3)]));

        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("p", MonitoringCadence.Paused), Old("a")], windows));
        Assert.Equal(Now + CadencePolicy.Weekly, NextDue([Old("p", MonitoringCadence.Paused), Old("w", MonitoringCadence.Weekly)], windows));
        Assert.Null(NextDue([Old("p", MonitoringCadence.Paused)], windows));
        Assert.Null(NextDue([], windows));
    }

    [Fact]
    public void An_unknown_stored_cadence_is_treated_as_auto_including_its_windows()
    {
        var watcher = new Watcher("a", "Hourly", [], Now.AddDays(-90));

        Assert.Equal(Now.AddDays(1.5), NextDue([watcher], Windows(("a", [Window(1.5, 2)]))));
        Assert.Equal(["a"], CadencePolicy.TenantsWithPeaks([watcher, Old("b", MonitoringCadence.Daily), Old("c", MonitoringCadence.Paused)]));
    }

    [Fact]
    public void Peak_due_is_now_while_a_window_is_on_else_the_earliest_upcoming_start()
    {
        Assert.Equal(Now, CadencePolicy.PeakDue([Window(3, 4), Window(-1, 1)], Now));
        Assert.Equal(Now, CadencePolicy.PeakDue([Window(0, 1)], Now));
        Assert.Equal(Now.AddDays(2), CadencePolicy.PeakDue([Window(5, 6), Window(-3, -1), Window(2, 3)], Now));
        Assert.Equal(Now.AddDays(2), CadencePolicy.PeakDue([Window(-1, 0), Window(2, 3)], Now));
        Assert.Null(CadencePolicy.PeakDue([Window(-3, -1), Window(-1, 0)], Now));
        Assert.Null(CadencePolicy.PeakDue([], Now));
    }

    [Fact]
    public void A_planned_scan_is_due_again_one_interval_after_it_was_due_unless_that_has_passed_too()
    {
        var due = Now.AddMinutes(-3);
        var windows = Windows();

        Assert.Equal(due + CadencePolicy.Weekly, CadencePolicy.NextDue([Old("a")], false, Now, windows, scheduledAt: due));
        Assert.Equal(Now.AddSeconds(20) + CadencePolicy.Weekly, CadencePolicy.NextDue([Old("a")], false, Now, windows, scheduledAt: Now.AddSeconds(20)));
        var missed = Now - CadencePolicy.Weekly - TimeSpan.FromHours(1);
        Assert.Equal(Now + CadencePolicy.Weekly, CadencePolicy.NextDue([Old("a")], false, Now, windows, scheduledAt: missed));
        Assert.Equal(Now + CadencePolicy.Weekly, CadencePolicy.NextDue([Old("a")], false, Now, windows, scheduledAt: Now - CadencePolicy.Weekly));
    }

    [Fact]
    public void A_window_start_still_comes_before_the_interval_counted_from_the_due_time()
    {
        var start = Now.AddDays(2);
        var windows = Windows(("a", [new PeakWindow(null, start, start.AddDays(1))]));

        Assert.Equal(start, CadencePolicy.NextDue([Old("a")], false, Now, windows, scheduledAt: Now.AddHours(-5)));
        Assert.Null(CadencePolicy.NextDue([Old("a", MonitoringCadence.Paused)], false, Now, windows, scheduledAt: Now.AddHours(-5)));
    }
}

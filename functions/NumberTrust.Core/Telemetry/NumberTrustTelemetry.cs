using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NumberTrust.Telemetry;

/// <summary>
/// The app's traces and metrics (source and meter <c>NumberTrust</c>), exported by whichever host runs it: Azure Monitor in the
/// Functions app, OTLP or the console in the local host. Queue messages carry the producer's trace context, so a timer tick, its
/// shard plans and their lookups are one trace.
/// </summary>
public static class NumberTrustTelemetry
{
    public const string Name = "NumberTrust";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Lookups done, by <c>platform</c> and <c>outcome</c> (labeled, clean, unknown) and, for unknowns, <c>reason</c>.</summary>
    public static readonly Counter<long> Lookups = Meter.CreateCounter<long>("numbertrust.lookups", "{lookup}", "Lookups by platform and outcome.");

    /// <summary>How long a lookup job waited between becoming due (visible) and a worker starting it.</summary>
    public static readonly Histogram<double> LookupWait = Meter.CreateHistogram<double>("numbertrust.lookups.wait", "s", "Time from a lookup job becoming due to a worker starting it.");

    /// <summary>Events sent on to the alerts queue, by <c>type</c>.</summary>
    public static readonly Counter<long> EventsSent = Meter.CreateCounter<long>("numbertrust.events.sent", "{event}", "Events sent to the alerts queue, by type.");

    private static long _oldestWaitTicks;

    static NumberTrustTelemetry()
    {
        Meter.CreateObservableGauge(
            "numbertrust.lookups.oldest_waiting_age", ObserveOldestWait, "s",
            "The longest a lookup job waited after becoming due, among those started since the last observation.");
    }

    /// <summary>Records a lookup job's wait; the gauge reports the longest since it was last read.</summary>
    public static void RecordLookupWait(string platform, TimeSpan wait)
    {
        var seconds = Math.Max(0, wait.TotalSeconds);
        LookupWait.Record(seconds, new KeyValuePair<string, object?>("platform", platform));
        var ticks = Math.Max(0, wait.Ticks);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _oldestWaitTicks);
        }
        while (ticks > seen && Interlocked.CompareExchange(ref _oldestWaitTicks, ticks, seen) != seen);
    }

    /// <summary>Starts the activity of one function invocation, continuing the trace its message carries (if any).</summary>
    public static Activity? StartInvocation(string function, ActivityKind kind, string? traceParent)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var activity = Source.StartActivity(function, kind, parent);
        activity?.SetTag("faas.name", function);
        return activity;
    }

    private static double ObserveOldestWait() => TimeSpan.FromTicks(Interlocked.Exchange(ref _oldestWaitTicks, 0)).TotalSeconds;
}

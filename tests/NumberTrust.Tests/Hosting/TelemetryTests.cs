using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Telemetry;
using NumberTrust.Tests.Infrastructure;
using OpenTelemetry.Trace;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Hosting;

/// <summary>The local host's telemetry: one trace from the planner timer through its shard plans to the lookups, and the lookup metrics.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_planner_tick_its_shard_plans_and_their_lookups_are_one_trace_and_lookups_are_counted()
    {
        var spans = new List<Activity>();
        var source = new ScriptedLabelSource("qihoo360");
        var measurements = new List<(string Platform, string Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NumberTrustTelemetry.Name && instrument.Name == "numbertrust.lookups")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            lock (measurements)
            {
                measurements.Add((values.GetValueOrDefault("platform") ?? "", values.GetValueOrDefault("outcome") ?? ""));
            }
        });
        listener.Start();

        await using var api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["Telemetry:TraceSamplingRatio"] = "1" },
            services =>
            {
                services.AddSingleton<ILabelSource>(source);
                services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans));
            });
        using var tenant = await api.TenantAsync();
        var number = "+8613812340000";
        source.Script(number, "qihoo360", Labeled("Harassment", "骚扰电话", 7));
        (await tenant.PutAsJsonAsync($"/api/numbers/{number}", new { })).EnsureSuccessStatusCode();

        await FunctionTable.RunTimerAsync(
            FunctionNames.ScanPlannerTimer, api.Services, new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);
        // The tick's own lookup: a registration may also be looked up through another path (its own trace) on a slow box.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (source.CallsFor(number, "qihoo360") == 0
            || !(Spans(spans).SingleOrDefault(s => s.DisplayName == FunctionNames.ScanPlannerTimer) is { } ticked
                && Spans(spans).Any(s => s.DisplayName == FunctionNames.LookupLabel && s.TraceId == ticked.TraceId)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the planned lookup did not run within 60 s");
            await Task.Delay(100);
        }

        var all = Spans(spans);
        var tick = Assert.Single(all, s => s.DisplayName == FunctionNames.ScanPlannerTimer);
        Assert.Contains(all, s => s.DisplayName == FunctionNames.LookupLabel && s.TraceId == tick.TraceId);
        Assert.Contains(all, s => s.DisplayName == FunctionNames.PlanScanShard && s.TraceId == tick.TraceId && s.ParentSpanId == tick.SpanId);
        lock (measurements)
        {
            Assert.Contains(("qihoo360", "labeled"), measurements);
        }
    }

    private static List<Activity> Spans(List<Activity> spans)
    {
        lock (spans)
        {
            return spans.ToList();
        }
    }
}

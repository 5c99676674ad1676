using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>What a post of call outcomes did: the days stored, the trend after it, and the drop it raised (with the scan it started).</summary>
public sealed record CallStatsPostResult(int Stored, CallStatsTrend Trend, string? RaisedEventId, string? ScanId);

/// <summary>Stores posted call outcomes, runs the answer-rate drop detector and, on a new drop, raises AnswerRateDrop and scans the number.</summary>
public sealed partial class CallStatsService(
    CallStatsStore store, EventPublisher events, ScanRunService scans, IOptionsMonitor<CallStatsOptions> options, TimeProvider time,
    ILogger<CallStatsService> logger)
{
    private const int MaxRounds = 5;

    public async Task<CallStatsPostResult> PostAsync(
        string tenantId, CanonicalNumber number, RegistrationEntity registration, IReadOnlyList<CallDay> posted, CancellationToken cancellationToken)
    {
        var partition = CallStatsStore.PartitionOf(tenantId, number.E164);
        var settings = options.CurrentValue;
        for (var round = 1; ; round++)
        {
            var (before, etag) = await store.StateAsync(partition, cancellationToken);
            var earliest = posted[0].Date;
            var latestPosted = posted[^1].Date;
            var latest = before.EvaluatedThrough is { } through && through > latestPosted ? through : latestPosted;
            var lookBack = AnswerRateWindows.RecentDays + AnswerRateWindows.BaselineDays;
            var from = (before.EvaluatedThrough is { } t && t < earliest ? t : earliest).AddDays(-lookBack);
            var series = await store.DaysAsync(partition, from, latest, cancellationToken);
            foreach (var day in posted)
            {
                series[day.Date] = day;
            }

            var after = AnswerRateDetector.Evaluate(before, series, AnswerRateDetector.DaysToEvaluate(before, earliest, latest), settings);
            string? eventId = null;
            string? scanId = null;
            // A new episode (none before, or another one than before) is raised once; a drop that lasts is not raised again.
            if (after.DropSince is { } since && since != before.DropSince)
            {
                var windows = AnswerRateWindows.Of(series, after.EvaluatedThrough!.Value);
                // Scan first so the event can name the run; a retry after a lost race raises the same event id (deduplicated).
                var run = await scans.StartNumberScanAsync(tenantId, number, registration, cancellationToken);
                scanId = run.PartitionKey;
                eventId = $"answer-rate-drop:{tenantId}:{number.E164}:{since:yyyy-MM-dd}";
                await events.PublishAsync(Event(eventId, time.GetUtcNow(), tenantId, number.E164, since, windows, after.DropBaseline, settings, scanId), cancellationToken);
                Log.DropRaised(logger, number.E164, tenantId, since, windows.PointsUnder(after.DropBaseline) ?? 0, scanId);
            }

            try
            {
                await store.SaveAsync(partition, posted, after, etag, time.GetUtcNow(), cancellationToken);
                return new CallStatsPostResult(posted.Count, CallStatsTrend.Of(series, after.EvaluatedThrough!.Value, after), eventId, scanId);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && round < MaxRounds)
            {
                // Another post of this number moved the detector first: evaluate again against what it stored.
            }
        }
    }

    /// <summary>The stored days from <paramref name="from"/> to <paramref name="to"/> and the rates as of <paramref name="to"/>.</summary>
    public async Task<(IReadOnlyList<CallDay> Days, CallStatsTrend Trend)> ReadAsync(
        string tenantId, string e164, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var partition = CallStatsStore.PartitionOf(tenantId, e164);
        var state = await store.StateAsync(partition, cancellationToken);
        var series = await store.DaysAsync(partition, from.AddDays(-(AnswerRateWindows.RecentDays + AnswerRateWindows.BaselineDays)), to, cancellationToken);
        var days = series.Values.Where(d => d.Date >= from).OrderBy(d => d.Date).ToList();
        return (days, CallStatsTrend.Of(series, to, state.State));
    }

    private static NotificationEvent Event(
        string eventId, DateTimeOffset now, string tenantId, string e164, DateOnly since, AnswerRateWindows windows, CallTotals baseline,
        CallStatsOptions settings, string scanId) => new(
        NotificationEvent.CurrentVersion,
        eventId,
        EventTypes.AnswerRateDrop,
        now,
        e164,
        TenantId: tenantId,
        Data: new JsonObject
        {
            ["since"] = since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["asOf"] = windows.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["rate7Day"] = CallStatsTrend.Round(windows.Recent.Rate),
            ["baseline28Day"] = CallStatsTrend.Round(baseline.Rate),
            ["pointsUnder"] = Math.Round(windows.PointsUnder(baseline) ?? 0, 1),
            ["calls7Day"] = windows.Recent.Attempted,
            ["thresholdPoints"] = settings.DropPoints,
            ["scanId"] = scanId,
        });

    private static partial class Log
    {
        [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Answer rate of {Number} (tenant {TenantId}) dropped since {Since}: {Points} points under its baseline; scan {ScanId} started")]
        public static partial void DropRaised(ILogger logger, string number, string tenantId, DateOnly since, decimal points, string scanId);
    }
}

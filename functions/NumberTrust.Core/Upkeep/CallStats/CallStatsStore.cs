using System.Globalization;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>
/// Table <c>UpkeepCallStats</c>: partition <c>{tenant}|{E.164}</c>, a <c>day|{yyyy-MM-dd}</c> row per day and the <c>detector</c> row
/// (drop episode state). A re-posted day replaces its row, so a post is idempotent per (number, date).
/// </summary>
public sealed class CallStatsStore(StorageAccount storage)
{
    public const string DetectorRow = "detector";
    private const string DayPrefix = "day|";

    private TableClient Table => storage.Table(TableNames.UpkeepCallStats);

    public static string PartitionOf(string tenantId, string e164) => tenantId + "|" + e164;

    /// <summary>The days from <paramref name="from"/> to <paramref name="to"/> (inclusive) that have a row: one range query in one partition.</summary>
    public async Task<Dictionary<DateOnly, CallDay>> DaysAsync(string partition, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (low, high) = (DayKey(from), DayKey(to));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey le {high}");
        var result = new Dictionary<DateOnly, CallDay>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (DateOnly.TryParseExact(row.RowKey[DayPrefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                result[day] = new CallDay(day, row.GetInt64("Attempted") ?? 0, row.GetInt64("Answered") ?? 0);
            }
        }

        return result;
    }

    /// <summary>The detector row, or null with a fresh state when the number never had one.</summary>
    public async Task<(DropState State, ETag? ETag)> StateAsync(string partition, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(partition, DetectorRow, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } row)
        {
            return (DropState.Initial, null);
        }

        var state = new DropState(
            Day(row.GetString("EvaluatedThrough")),
            Day(row.GetString("DropSince")),
            new CallTotals(row.GetInt64("DropBaselineAttempted") ?? 0, row.GetInt64("DropBaselineAnswered") ?? 0));
        return (state, row.ETag);
    }

    /// <summary>
    /// Writes the posted days and the detector state: earlier days in transactions of 100, the last ones with the state in one
    /// transaction, conditional on the state's ETag (<see cref="RequestFailedException"/> 412/409 when another post moved it first).
    /// </summary>
    public async Task SaveAsync(string partition, IReadOnlyList<CallDay> days, DropState state, ETag? etag, DateTimeOffset postedAt, CancellationToken cancellationToken)
    {
        var actions = days.Select(d => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, DayKey(d.Date))
        {
            ["Attempted"] = d.Attempted,
            ["Answered"] = d.Answered,
            ["PostedAt"] = postedAt,
        })).ToList();
        var detector = new TableEntity(partition, DetectorRow)
        {
            ["EvaluatedThrough"] = Key(state.EvaluatedThrough),
            ["DropSince"] = Key(state.DropSince),
            ["DropBaselineAttempted"] = state.DropBaseline.Attempted,
            ["DropBaselineAnswered"] = state.DropBaseline.Answered,
        };
        if (etag is { } e)
        {
            detector.ETag = e;
        }

        actions.Add(new(etag is null ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace, detector, etag ?? default));
        foreach (var chunk in actions.Chunk(100))
        {
            await Table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    private static string DayKey(DateOnly day) => DayPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Key(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}

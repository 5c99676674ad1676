using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Trust;

/// <summary>One platform's label as the trust score weighs it.</summary>
public sealed record ScoredLabel(string Platform, string Category, string? Severity);

/// <summary>The labels a number carried at the end of a day (UTC), from that day until the next recorded day.</summary>
public sealed record TrustDay(DateOnly Date, IReadOnlyList<ScoredLabel> Labels);

/// <summary>
/// Table <c>UpkeepTrust</c>: partition = E.164, row <c>current</c> (the labels last recorded) and <c>day|{yyyy-MM-dd}</c> (the labels at
/// the end of a day on which they changed, or the first day the number was scored). Days without a row carry the previous one forward.
/// </summary>
public sealed class TrustHistoryStore(StorageAccount storage)
{
    public const string CurrentRow = "current";
    private const string DayPrefix = "day|";

    private TableClient Table => storage.Table(TableNames.UpkeepTrust);

    public async Task<(IReadOnlyList<ScoredLabel>? Labels, ETag? ETag)> CurrentAsync(string e164, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(e164, CurrentRow, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } row ? (Labels(row), row.ETag) : (null, null);
    }

    /// <summary>Records the labels as current and as the day's, in one transaction conditional on the current row's ETag (412/409 on a race).</summary>
    public Task SaveAsync(string e164, DateOnly day, IReadOnlyList<ScoredLabel> labels, ETag? etag, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(labels, ApiJsonless);
        var current = new TableEntity(e164, CurrentRow) { ["Labels"] = json, ["RecordedAt"] = at };
        var dayRow = new TableEntity(e164, DayKey(day)) { ["Labels"] = json, ["RecordedAt"] = at };
        TableTransactionAction write = etag is { } e
            ? new(TableTransactionActionType.UpdateReplace, current, e)
            : new(TableTransactionActionType.Add, current);
        return Table.SubmitTransactionAsync([write, new(TableTransactionActionType.UpsertReplace, dayRow)], cancellationToken);
    }

    /// <summary>Every recorded day up to <paramref name="to"/>, oldest first: rows exist only for days of change, so the range is small.</summary>
    public async Task<IReadOnlyList<TrustDay>> DaysAsync(string e164, DateOnly to, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {e164} and RowKey ge {DayPrefix} and RowKey le {DayKey(to)}");
        var result = new List<TrustDay>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (DateOnly.TryParseExact(row.RowKey[DayPrefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                result.Add(new TrustDay(day, Labels(row)));
            }
        }

        return result;
    }

    private static readonly JsonSerializerOptions ApiJsonless = new(JsonSerializerDefaults.Web);

    private static IReadOnlyList<ScoredLabel> Labels(TableEntity row) =>
        row.GetString("Labels") is { Length: > 0 } json ? JsonSerializer.Deserialize<ScoredLabel[]>(json, ApiJsonless) ?? [] : [];

    private static string DayKey(DateOnly day) => DayPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

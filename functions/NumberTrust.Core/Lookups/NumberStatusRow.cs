using System.Text.Json;
using Azure.Data.Tables;
using NumberTrust.Hosting;
using NumberTrust.Numbers;

namespace NumberTrust.Lookups;

/// <summary>
/// Every platform's label status of a number in one row (<c>status</c> in the number's partition), written in the same
/// transaction as the state row, so a status lookup is one point read however many platforms there are.
/// </summary>
public static class NumberStatusRow
{
    public const string Row = "status";

    public static string SettledProperty(string platform) => "S_" + LabelFingerprint.PropertySafe(platform);

    public static string CheckProperty(string platform) => "C_" + LabelFingerprint.PropertySafe(platform);

    public static string FailureProperty(string platform) => "F_" + LabelFingerprint.PropertySafe(platform);

    /// <summary>The settled and check parts of a state just written (change transaction).</summary>
    public static TableTransactionAction Written(LabelStateEntity state) =>
        new(TableTransactionActionType.UpsertMerge, new TableEntity(state.PartitionKey, Row)
        {
            [SettledProperty(state.Platform)] = Json(new Settled(
                state.State, state.Category, state.LabelText, state.ReportCount, state.SourceApp, state.Severity, state.FirstSeenAt, state.LastChangedAt)),
            [CheckProperty(state.Platform)] = Json(new Check(
                state.LastCheckedAt, state.LastReadAt, state.ConsecutiveUnknowns, Blank(state.LastUnknownReason), state.EvidenceUrl, state.EvidenceStatus, state.EvidenceExcerpt)),
        });

    /// <summary>The check part of an unchanged, readable answer.</summary>
    public static TableTransactionAction Checked(string number, string platform, DateTimeOffset now, Observation observation, string? excerpt) =>
        new(TableTransactionActionType.UpsertMerge, new TableEntity(number, Row)
        {
            [CheckProperty(platform)] = Json(new Check(now, now, 0, null, observation.EvidenceUrl, observation.EvidenceStatus, excerpt)),
        });

    /// <summary>The failure part (the last job poisoned for good).</summary>
    public static TableTransactionAction Failed(string number, string platform, string failure, DateTimeOffset at) =>
        new(TableTransactionActionType.UpsertMerge, new TableEntity(number, Row)
        {
            [FailureProperty(platform)] = Json(new Failure(failure, at)),
        });

    /// <summary>A platform's status from the row, or null when the row does not know it (never read, or written before this row existed).</summary>
    public static LabelStatusView? ViewOf(TableEntity row, string platform)
    {
        var failure = Read<Failure>(row, FailureProperty(platform));
        var settled = Read<Settled>(row, SettledProperty(platform));
        if (settled is null && failure is null)
        {
            return null;
        }

        // A platform whose lookups only ever failed is known, as Unknown with the reason.
        settled ??= new Settled(nameof(ObservedState.Unknown), null, null, null, null, null, null, null);
        var check = Read<Check>(row, CheckProperty(platform));
        return new LabelStatusView(
            platform, settled.State, settled.Category, settled.LabelText, settled.ReportCount, settled.SourceApp, settled.Severity,
            settled.FirstSeenAt, check?.LastCheckedAt, settled.LastChangedAt, check?.ConsecutiveUnknowns ?? 0, check?.LastUnknownReason,
            failure?.Reason, check?.EvidenceUrl, check?.EvidenceStatus, check?.EvidenceExcerpt);
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ApiJson.Options);

    private static T? Read<T>(TableEntity row, string property)
        where T : class
    {
        if (row.GetString(property) is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, ApiJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Settled(
        string State, string? Category, string? LabelText, int? ReportCount, string? SourceApp, string? Severity, DateTimeOffset? FirstSeenAt,
        DateTimeOffset? LastChangedAt);

    private sealed record Check(
        DateTimeOffset? LastCheckedAt, DateTimeOffset? LastReadAt, int ConsecutiveUnknowns, string? LastUnknownReason, string? EvidenceUrl,
        int? EvidenceStatus, string? EvidenceExcerpt);

    private sealed record Failure(string Reason, DateTimeOffset At);
}

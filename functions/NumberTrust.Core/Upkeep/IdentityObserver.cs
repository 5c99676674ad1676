using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Platforms;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep;

/// <summary>
/// Keeps the identity each platform displays for a number (current row per platform plus a history row per change) and raises
/// IdentityChanged / IdentityLost. Unknown lookups never change it; a lookup older than the stored reading is ignored.
/// </summary>
public sealed class IdentityObserver(StorageAccount storage, EventPublisher events) : ILookupObserver
{
    private const string CurrentPrefix = "current|";
    private const string HistoryPrefix = "history|";

    /// <summary>Platforms whose adapters read a displayed identity (see docs/platforms.md).</summary>
    public static readonly IReadOnlySet<string> ShowsIdentity = new HashSet<string>(StringComparer.Ordinal) { PlatformIds.BaiduHaoma };

    public static string CurrentRow(string platform) => CurrentPrefix + platform;

    public async Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        // A redelivered job (no observation) was applied before; only readable answers say anything about the identity.
        if (lookup.Observation is not { } observation || observation.State == ObservedState.Unknown)
        {
            return;
        }

        // Platforms that never display an identity keep the lookup's unchanged-result path free of an extra read.
        if (observation.Identity is null && !ShowsIdentity.Contains(lookup.Platform))
        {
            return;
        }

        var table = storage.Table(TableNames.UpkeepIdentities);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(lookup.Number, CurrentRow(lookup.Platform), cancellationToken: cancellationToken);
        var current = found.HasValue ? found.Value : null;
        if (current is not null && current.GetDateTimeOffset("ObservedAt") is { } seenAt && seenAt > lookup.CheckedAt)
        {
            return;
        }

        var before = current is null ? null : Read(current);
        var after = observation.Identity;
        if (before == after)
        {
            return;
        }

        // Publish before storing: a retry after a failed write publishes the same event id again, which the dispatcher drops.
        if (after is not null || before is not null)
        {
            await events.PublishAsync(Event(lookup, before, after), cancellationToken);
        }

        var row = Write(lookup, after, CurrentRow(lookup.Platform));
        var history = Write(lookup, after, $"{HistoryPrefix}{lookup.Platform}|{lookup.CheckedAt.UtcTicks:D19}|{lookup.JobId}");
        TableTransactionAction upsert = current is null
            ? new(TableTransactionActionType.Add, row)
            : new(TableTransactionActionType.UpdateReplace, row, current.ETag);
        // A concurrent lookup of the same number and platform fails the ETag (412/409): the job retries against that reading.
        await table.SubmitTransactionAsync([upsert, new(TableTransactionActionType.UpsertReplace, history)], cancellationToken);
    }

    /// <summary>The displayed identity per platform as last read, for the number's upkeep view.</summary>
    public async Task<IReadOnlyDictionary<string, DisplayedIdentity?>> CurrentAsync(string number, CancellationToken cancellationToken)
    {
        var result = new SortedDictionary<string, DisplayedIdentity?>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {number} and RowKey ge {CurrentPrefix} and RowKey lt {CurrentPrefix + "~"}");
        await foreach (var row in storage.Table(TableNames.UpkeepIdentities).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            result[row.RowKey[CurrentPrefix.Length..]] = Read(row);
        }

        return result;
    }

    /// <summary>Every change of the displayed identity on one platform, oldest first (null = nothing shown any more).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset ObservedAt, DisplayedIdentity? Identity)>> HistoryAsync(
        string number, string platform, CancellationToken cancellationToken)
    {
        var prefix = $"{HistoryPrefix}{platform}|";
        var result = new List<(DateTimeOffset, DisplayedIdentity?)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {number} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        await foreach (var row in storage.Table(TableNames.UpkeepIdentities).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add((row.GetDateTimeOffset("ObservedAt") ?? default, Read(row)));
        }

        return result;
    }

    private static DisplayedIdentity? Read(TableEntity row) =>
        row.GetString(nameof(DisplayedIdentity.DisplayName)) is { } name
            ? new DisplayedIdentity(name, row.GetString(nameof(DisplayedIdentity.VerificationSource)), row.GetBoolean(nameof(DisplayedIdentity.Certified)) ?? false)
            : null;

    private static TableEntity Write(LookupCompleted lookup, DisplayedIdentity? identity, string rowKey) => new(lookup.Number, rowKey)
    {
        ["ObservedAt"] = lookup.CheckedAt,
        ["JobId"] = lookup.JobId,
        [nameof(DisplayedIdentity.DisplayName)] = identity?.DisplayName,
        [nameof(DisplayedIdentity.VerificationSource)] = identity?.VerificationSource,
        [nameof(DisplayedIdentity.Certified)] = identity?.Certified,
    };

    private static NotificationEvent Event(LookupCompleted lookup, DisplayedIdentity? before, DisplayedIdentity? after) => new(
        NotificationEvent.CurrentVersion,
        $"{(after is null ? "identity-lost" : "identity-changed")}:{lookup.Number}:{lookup.Platform}:{lookup.JobId}",
        after is null ? EventTypes.IdentityLost : EventTypes.IdentityChanged,
        lookup.CheckedAt,
        lookup.Number,
        Platform: lookup.Platform,
        Data: new JsonObject
        {
            ["previous"] = Json(before),
            ["current"] = Json(after),
            ["checkedAt"] = lookup.CheckedAt.ToString("O", CultureInfo.InvariantCulture),
        });

    internal static JsonObject? Json(DisplayedIdentity? identity) => identity is null
        ? null
        : new JsonObject { ["displayName"] = identity.DisplayName, ["verificationSource"] = identity.VerificationSource, ["certified"] = identity.Certified };
}

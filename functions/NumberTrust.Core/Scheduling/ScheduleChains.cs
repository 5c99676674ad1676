using Azure;
using Azure.Data.Tables;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Scheduling;

/// <summary>
/// The one owner of the schedule-chain invariant (docs/architecture.md, "Scan cadence"): a chain starts with a due entry without
/// <see cref="DueEntryEntity.Chain"/> whose partition the facts row's <c>DuePartition</c> then names; the planner continues it with
/// entries that carry that id and never writes the facts row; it ends when the facts row's <c>DuePartition</c> is cleared. An entry
/// is current exactly when its chain id is the facts row's, so entries of an older chain are dropped when met.
/// </summary>
public sealed class ScheduleChains(StorageAccount storage)
{
    private TableClient Schedule => storage.Table(TableNames.ScanSchedule);

    /// <summary>The first entry of a new chain for a number, due at <paramref name="dueAt"/> (not yet written).</summary>
    public static DueEntryEntity StartEntry(string number, string region, string numberType, DateTimeOffset dueAt) => new()
    {
        PartitionKey = DueIndex.PartitionFor(number, dueAt),
        RowKey = number,
        DueAt = dueAt,
        Region = region,
        NumberType = numberType,
    };

    public static DueEntryEntity StartEntry(CanonicalNumber number, DateTimeOffset dueAt) =>
        StartEntry(number.E164, number.Region, number.Type.ToString(), dueAt);

    /// <summary>The entry after <paramref name="current"/> in its chain, due at <paramref name="dueAt"/> (not yet written).</summary>
    public static DueEntryEntity NextEntry(DueEntryEntity current, DateTimeOffset dueAt)
    {
        var next = StartEntry(current.RowKey, current.Region, current.NumberType, dueAt);
        next.Chain = current.ChainId();
        return next;
    }

    /// <summary>Whether an entry belongs to the number's current chain (false for a number that no longer exists).</summary>
    public static bool IsCurrent(DueEntryEntity entry, NumberFactsEntity? facts) => facts?.DuePartition == entry.ChainId();

    /// <summary>Points a facts-row write at a chain's first entry: from then on that chain is the number's schedule.</summary>
    public static void PointAt(TableEntity factsWrite, DueEntryEntity start) => factsWrite[nameof(NumberFactsEntity.DuePartition)] = start.PartitionKey;

    /// <summary>Writes first entries, in batches per index partition. They count only once a facts row points at them.</summary>
    public async Task WriteStartsAsync(IEnumerable<DueEntryEntity> starts, CancellationToken cancellationToken)
    {
        foreach (var partition in starts.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await Schedule.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }
    }

    public Task WriteStartAsync(DueEntryEntity start, CancellationToken cancellationToken) =>
        Schedule.UpsertEntityAsync(start, TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// Ends a number's chain (nobody actively watches it), unless the facts changed since they were read (<paramref name="factsETag"/>):
    /// then false, and the caller decides again. A merge cannot remove a property, so the chain id is set to "".
    /// </summary>
    public async Task<bool> TryEndAsync(DueEntryEntity current, ETag factsETag, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Table(TableNames.Numbers).UpdateEntityAsync(
                new TableEntity(current.RowKey, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = "" }, factsETag,
                TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return false;
        }

        await DeleteIfPresentAsync(storage.Table(TableNames.ScanPositions), DuePositionEntity.Of(current), ETag.All, cancellationToken);
        return true;
    }

    /// <summary>
    /// Moves a number's schedule to <paramref name="target"/> by starting a new chain there: the new entry first, then the facts
    /// pointed at it (only if nobody changed them since they were read), then the old chain's entry at <paramref name="currentPartition"/>
    /// deleted. A crash or a lost race leaves at worst an entry of an older chain, which the planner drops. False when the facts changed.
    /// </summary>
    public async Task<bool> TryRestartAsync(NumberFactsEntity facts, string currentPartition, DateTimeOffset target, CancellationToken cancellationToken)
    {
        var start = StartEntry(facts.PartitionKey, facts.Region, facts.NumberType, target);
        await WriteStartAsync(start, cancellationToken);
        var pointer = new TableEntity(facts.PartitionKey, NumberFactsEntity.Row);
        PointAt(pointer, start);
        try
        {
            await storage.Table(TableNames.Numbers).UpdateEntityAsync(pointer, facts.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed())
        {
            return false;
        }

        await DeleteIfPresentAsync(Schedule, new TableEntity(currentPartition, facts.PartitionKey), ETag.All, cancellationToken);
        return true;
    }

    /// <summary>
    /// The index partition of a number's current entry, given the chain id on its facts row: the position the planner last wrote for
    /// that chain, else the chain's first entry (the planner has not moved it yet). Null when the chain id is not a partition.
    /// </summary>
    public async Task<string?> CurrentPartitionAsync(string number, string chain, CancellationToken cancellationToken)
    {
        if (DueIndex.BucketOf(chain) is null)
        {
            return null;
        }

        var position = await storage.Table(TableNames.ScanPositions).GetEntityIfExistsAsync<DuePositionEntity>(
            DueIndex.PositionPartition(number), number, cancellationToken: cancellationToken);
        return position.HasValue && position.Value!.Chain == chain ? position.Value.DuePartition : chain;
    }

    internal static async Task DeleteIfPresentAsync(TableClient table, ITableEntity entity, ETag expected, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, expected, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound() || e.IsPreconditionFailed())
        {
            // Already moved by a duplicate delivery of the same plan, or rewritten since it was read.
        }
    }
}

using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Scheduling;

/// <summary>
/// One shard plan at a time per shard (ETag-guarded row <c>lease-{shard}</c>). Progress lives in the due index, so whoever holds
/// the lease next plans only what is left.
/// </summary>
public sealed class ShardPlanLease(StorageAccount storage, TimeProvider time)
{
    private const string Partition = "planner";

    private TableClient Status => storage.Table(TableNames.ScheduleStatus);

    /// <summary>A held lease; <see cref="ETag"/> guards its renewal and hand-over.</summary>
    public sealed record Held(int Shard, string Holder, DateTimeOffset Until, ETag ETag);

    /// <summary>Takes the shard for <paramref name="holder"/> (a message id) if it is free, expired or already this holder's; else null and when it frees at the latest.</summary>
    public async Task<(Held? Lease, DateTimeOffset BusyUntil)> TryAcquireAsync(int shard, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var found = await Status.GetEntityIfExistsAsync<TableEntity>(Partition, Row(shard), cancellationToken: cancellationToken);
            var row = found.HasValue ? found.Value! : null;
            var current = row?.GetString("Holder") ?? "";
            var until = row?.GetDateTimeOffset("Until") ?? DateTimeOffset.UnixEpoch;
            if (current.Length > 0 && current != holder && until > now)
            {
                return (null, until);
            }

            var lease = new TableEntity(Partition, Row(shard)) { ["Holder"] = holder, ["Until"] = now + duration };
            try
            {
                var response = row is null
                    ? await Status.AddEntityAsync(lease, cancellationToken)
                    : await Status.UpdateEntityAsync(lease, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return (new Held(shard, holder, now + duration, response.Headers.ETag ?? ETag.All), DateTimeOffset.UnixEpoch);
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < 5)
            {
                // Another plan of this shard got in between the read and the write: look again.
            }
        }
    }

    /// <summary>Extends a held lease; false when it was lost (it expired and another plan took it).</summary>
    public Task<Held?> TryRenewAsync(Held lease, TimeSpan duration, CancellationToken cancellationToken) =>
        TryWriteAsync(lease, lease.Holder, time.GetUtcNow() + duration, cancellationToken);

    /// <summary>Gives a held lease to the next holder (a continuation message's id), so nobody else plans the shard in between.</summary>
    public Task<Held?> TryHandOverAsync(Held lease, string nextHolder, TimeSpan duration, CancellationToken cancellationToken) =>
        TryWriteAsync(lease, nextHolder, time.GetUtcNow() + duration, cancellationToken);

    /// <summary>Frees the shard; a lease lost meanwhile is left to its new holder.</summary>
    public async Task ReleaseAsync(Held lease, CancellationToken cancellationToken) =>
        await TryWriteAsync(lease, "", DateTimeOffset.UnixEpoch, cancellationToken);

    private async Task<Held?> TryWriteAsync(Held lease, string holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Status.UpdateEntityAsync(
                new TableEntity(Partition, Row(lease.Shard)) { ["Holder"] = holder, ["Until"] = until }, lease.ETag, TableUpdateMode.Replace, cancellationToken);
            return lease with { Holder = holder, Until = until, ETag = response.Headers.ETag ?? ETag.All };
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return null;
        }
    }

    private static string Row(int shard) => $"lease-{shard:D2}";
}

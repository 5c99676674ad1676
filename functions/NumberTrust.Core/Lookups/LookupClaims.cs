using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NumberTrust.Storage;

namespace NumberTrust.Lookups;

/// <summary>A job's claim on the lookup of one number on one platform (row <c>claim|{platform}</c>), with the ETag that releases it.</summary>
public sealed record LookupClaim(string Number, string Platform, ETag ETag);

/// <summary>
/// Claims that make concurrent on-demand jobs of one number and platform send one platform request: the claimer looks up, the
/// others wait until its claim is released (or its lease ends) and answer from the state it left. See docs/architecture.md,
/// "Shared on-demand lookups".
/// </summary>
public sealed class LookupClaims(StorageAccount storage, IOptionsMonitor<SharedLookupOptions> options, TimeProvider time)
{
    public const string RowPrefix = "claim|";

    private TableClient Numbers => storage.Table(TableNames.Numbers);

    public static string RowFor(string platform) => RowPrefix + platform;

    /// <summary>Whether a state holds a readable observation read since <paramref name="since"/>; an unknown streak is never shared.</summary>
    public static bool IsFresh(LabelStateEntity? state, DateTimeOffset since) =>
        state is { ConsecutiveUnknowns: 0, LastReadAt: { } readAt } && readAt >= since && state.State != nameof(ObservedState.Unknown);

    /// <summary>Claims the lookup for <paramref name="jobId"/>; null while another job's claim is live.</summary>
    public async Task<LookupClaim?> TryClaimAsync(string number, string platform, string jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new TableEntity(number, RowFor(platform)) { ["Holder"] = jobId, ["Until"] = now + options.CurrentValue.ClaimLease };
        try
        {
            var added = await Numbers.AddEntityAsync(row, cancellationToken);
            return new LookupClaim(number, platform, added.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            // Someone holds or held it: take it over only if it is ours (a redelivery) or its lease has ended (a crashed claimer).
        }

        var found = await Numbers.GetEntityIfExistsAsync<TableEntity>(number, RowFor(platform), cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return await TryClaimAsync(number, platform, jobId, cancellationToken);
        }

        var held = found.Value!;
        if (held.GetString("Holder") != jobId && held.GetDateTimeOffset("Until") is { } until && until > now)
        {
            return null;
        }

        try
        {
            var replaced = await Numbers.UpdateEntityAsync(row, held.ETag, TableUpdateMode.Replace, cancellationToken);
            return new LookupClaim(number, platform, replaced.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return null; // another waiter took it over first
        }
    }

    /// <summary>Waits while another job's claim on the lookup is live: until it is released, taken over or its lease ends.</summary>
    public async Task WaitWhileClaimedAsync(string number, string platform, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        ETag? seen = null;
        while (true)
        {
            var found = await Numbers.GetEntityIfExistsAsync<TableEntity>(number, RowFor(platform), cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value!.GetDateTimeOffset("Until") is not { } until || until <= time.GetUtcNow() || (seen is { } first && first != found.Value.ETag))
            {
                return;
            }

            seen ??= found.Value.ETag;
            var left = until - time.GetUtcNow();
            await Task.Delay(left < o.ClaimPollInterval ? TimeSpan.FromTicks(Math.Max(left.Ticks, TimeSpan.TicksPerMillisecond)) : o.ClaimPollInterval, time, cancellationToken);
        }
    }

    /// <summary>Releases a claim so waiters go on at once; a claim already taken over or gone is left alone.</summary>
    public async Task ReleaseAsync(LookupClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await Numbers.DeleteEntityAsync(claim.Number, RowFor(claim.Platform), claim.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            // Its lease ended and another job took it over, or it was released already.
        }
    }
}

using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Lookups;
using NumberTrust.Scheduling;
using NumberTrust.Storage;

namespace NumberTrust.Numbers;

/// <summary>Outcome of a conditional registration write.</summary>
public enum SaveOutcome
{
    Created,
    Updated,
    PreconditionFailed,
}

/// <summary>Storage of registrations (tenant partitions) and the shared number facts and watcher rows (number partitions).</summary>
public sealed class NumberStore(StorageAccount storage, ScheduleChains chains, TimeProvider time)
{
    private TableClient Registrations => storage.Table(TableNames.Registrations);

    private TableClient Numbers => storage.Table(TableNames.Numbers);

    public async Task<RegistrationEntity?> FindAsync(string tenantId, string e164, CancellationToken cancellationToken)
    {
        var found = await Registrations.GetEntityIfExistsAsync<RegistrationEntity>(tenantId, e164, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Registers or replaces a tenant's registration. The shared number partition (facts + watcher row, and the pending marker of
    /// the tenant's copy in the status row) is written first, in one transaction, so a registration never exists without its
    /// watcher row; a crash in between leaves only a harmless watcher row that the next write or delete reconciles. The copy is
    /// written last, so a status lookup never shows a registration that was not stored.
    /// </summary>
    /// <param name="ifMatch">Required current entity tag (<c>*</c> = must exist), or null.</param>
    /// <param name="ifNoneMatchAny">True when the caller sent <c>If-None-Match: *</c> (create only).</param>
    public async Task<(SaveOutcome Outcome, RegistrationEntity? Entity)> SaveAsync(
        string tenantId, CanonicalNumber number, RegistrationInput input, string? ifMatch, bool ifNoneMatchAny,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindAsync(tenantId, number.E164, cancellationToken);
            if ((ifNoneMatchAny && existing is not null) ||
                (ifMatch is not null && (existing is null || !ETagMatches(ifMatch, existing.EntityTag))))
            {
                return (SaveOutcome.PreconditionFailed, existing);
            }

            var entity = RegistrationEntity.Build(tenantId, number, input, existing, time.GetUtcNow());
            var pending = await WriteNumberPartitionsAsync(tenantId, [new NumberPartitionWrite(number, entity, RegistrationEntity.MayNeedSchedule(existing))], 1, cancellationToken);
            SaveOutcome outcome;
            try
            {
                if (existing is null)
                {
                    var added = await Registrations.AddEntityAsync(entity, cancellationToken);
                    entity.ETag = added.Headers.ETag ?? default;
                    outcome = SaveOutcome.Created;
                }
                else
                {
                    // The row ETag also moves when the scan pipeline updates the label summary: then this round reads again.
                    var updated = await Registrations.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                    entity.ETag = updated.Headers.ETag ?? default;
                    outcome = SaveOutcome.Updated;
                }
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound()) && attempt < 8)
            {
                // Another writer got in between our read and write: read again and re-apply (last writer wins
                // unless the caller made the write conditional, in which case the next round reports it).
                await StorageErrors.ContentionDelayAsync(attempt, cancellationToken);
                continue;
            }

            await FinishCopyAsync(number.E164, tenantId, pending.GetValueOrDefault(number.E164), RegistrationCopy.Of(entity), cancellationToken);
            return (outcome, entity);
        }
    }

    /// <summary>Deletes a registration; the number's shared facts stay (other tenants or history may refer to them).</summary>
    public async Task<SaveOutcome?> DeleteAsync(string tenantId, string e164, string? ifMatch, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindAsync(tenantId, e164, cancellationToken);
            if (existing is null)
            {
                return null;
            }

            if (ifMatch is not null && !ETagMatches(ifMatch, existing.EntityTag))
            {
                return SaveOutcome.PreconditionFailed;
            }

            var pending = await MarkPendingAsync(e164, tenantId, cancellationToken);
            try
            {
                await Registrations.DeleteEntityAsync(tenantId, e164, ifMatch is null ? ETag.All : existing.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                await RemoveCopyAsync(e164, tenantId, pending, cancellationToken);
                return null;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < 5)
            {
                // Changed since the read (often only the label summary): put the copy back and judge the precondition again.
                if (await FindAsync(tenantId, e164, cancellationToken) is { } current)
                {
                    await FinishCopyAsync(e164, tenantId, pending, RegistrationCopy.Of(current), cancellationToken);
                }

                await StorageErrors.ContentionDelayAsync(attempt, cancellationToken);
                continue;
            }

            await RemoveWatcherAsync(e164, tenantId, cancellationToken);
            await RemoveCopyAsync(e164, tenantId, pending, cancellationToken);
            return SaveOutcome.Updated;
        }
    }

    /// <summary>A copy marker this write left in the status row: its token, and the status row's ETag right after.</summary>
    public sealed record PendingCopy(string Token, ETag StatusETag);

    /// <summary>Replaces this write's pending marker with the copy, unless another write has marked the copy since.</summary>
    public async Task FinishCopyAsync(string e164, string tenantId, PendingCopy? pending, string copy, CancellationToken cancellationToken)
    {
        if (pending is null)
        {
            return;
        }

        var etag = pending.StatusETag;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var update = new TableEntity(e164, NumberStatusRow.Row) { [RegistrationCopy.Property(tenantId)] = copy };
                await Numbers.UpdateEntityAsync(update, etag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed())
            {
                // A lookup wrote the row since (or another registration write did): ours to finish only if our marker is still there.
                var row = await StatusAsync(e164, cancellationToken);
                if (row is null || !RegistrationCopy.IsPending(row, tenantId, pending.Token))
                {
                    return;
                }

                etag = row.ETag;
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                return;
            }
        }

        // Still pending: status lookups read the registration row until the next write finishes a copy.
    }

    /// <summary>Copies the registrations an import stored into their status rows.</summary>
    public Task FinishCopiesAsync(
        IReadOnlyList<RegistrationEntity> registrations, IReadOnlyDictionary<string, PendingCopy> pending, int parallelism,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            registrations.Where(r => pending.ContainsKey(r.RowKey)),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (registration, ct) => await FinishCopyAsync(
                registration.RowKey, registration.PartitionKey, pending[registration.RowKey], RegistrationCopy.Of(registration), ct));

    private async Task<PendingCopy> MarkPendingAsync(string e164, string tenantId, CancellationToken cancellationToken)
    {
        var token = NewToken();
        var marker = new TableEntity(e164, NumberStatusRow.Row) { [RegistrationCopy.Property(tenantId)] = RegistrationCopy.Pending(tenantId, token) };
        var response = await Numbers.UpsertEntityAsync(marker, TableUpdateMode.Merge, cancellationToken);
        return new PendingCopy(token, response.Headers.ETag ?? default);
    }

    /// <summary>Drops a deleted registration's copy from the status row, if the marker is still this delete's.</summary>
    private async Task RemoveCopyAsync(string e164, string tenantId, PendingCopy pending, CancellationToken cancellationToken)
    {
        var property = RegistrationCopy.Property(tenantId);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var row = await StatusAsync(e164, cancellationToken);
            if (row is null || !RegistrationCopy.IsPending(row, tenantId, pending.Token))
            {
                return;
            }

            // Merge cannot remove a property; the row is replaced without it, conditional on the ETag just read.
            var replacement = new TableEntity(e164, NumberStatusRow.Row);
            foreach (var (key, value) in row)
            {
                if (key != property && key is not ("PartitionKey" or "RowKey" or "Timestamp") && !key.StartsWith("odata.", StringComparison.Ordinal))
                {
                    replacement[key] = value;
                }
            }

            try
            {
                await Numbers.UpdateEntityAsync(replacement, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
            {
                await StorageErrors.ContentionDelayAsync(attempt, cancellationToken);
            }
        }
    }

    private static string NewToken() => Guid.NewGuid().ToString("N")[..20];

    /// <summary>The number's status row (every platform's label status), or null before its first lookup.</summary>
    public async Task<TableEntity?> StatusAsync(string e164, CancellationToken cancellationToken)
    {
        var found = await Numbers.GetEntityIfExistsAsync<TableEntity>(e164, NumberStatusRow.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<NumberFactsEntity?> FactsAsync(string e164, CancellationToken cancellationToken)
    {
        var found = await Numbers.GetEntityIfExistsAsync<NumberFactsEntity>(e164, NumberFactsEntity.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>One page of a tenant's registrations in E.164 order.</summary>
    public Task<(IReadOnlyList<RegistrationEntity> Items, string? LastKey)> ListAsync(
        string tenantId, string? afterKey, int pageSize, CancellationToken cancellationToken) =>
        ListAsync(tenantId, afterKey, ListFilter.None, pageSize, cancellationToken);

    public async Task<(IReadOnlyList<RegistrationEntity> Items, string? LastKey)> ListAsync(
        string tenantId, string? afterKey, ListFilter criteria, int pageSize, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {afterKey ?? ""}");
        if (criteria.Department is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Department eq {criteria.Department}");
        }

        if (criteria.Labeled is { } labeled)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Labeled eq {labeled}");
        }

        var items = new List<RegistrationEntity>(pageSize);
        var more = false;

        // Tags live in a JSON column, so the tag filter runs here; pages are read until the page is full.
        await foreach (var entity in Registrations.QueryAsync<RegistrationEntity>(filter, maxPerPage: Math.Max(pageSize, 100), cancellationToken: cancellationToken))
        {
            if (!criteria.Matches(entity))
            {
                continue;
            }

            if (items.Count == pageSize)
            {
                more = true;
                break;
            }

            items.Add(entity);
        }

        return (items, more ? items[^1].RowKey : null);
    }

    /// <summary>A number partition write: the registration it comes from, and whether it may need a first due-index entry.</summary>
    public sealed record NumberPartitionWrite(CanonicalNumber Number, RegistrationEntity Registration, bool MayNeedSchedule);

    /// <summary>
    /// Records each tenant as a watcher in the number's facts row and marks its registration copy pending in the status row (one
    /// transaction per number). A number new to the tenant (or woken from paused) that has no due-index entry yet gets one due now,
    /// so its first scan runs within a planner tick: the entries are written first, in batches per index partition, and a new
    /// facts row is then added pointing at its entry. If the facts row already existed with its own schedule, the entry written
    /// here is stale and the planner drops it. Returns the markers, by number, that <see cref="FinishCopyAsync"/> completes.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PendingCopy>> WriteNumberPartitionsAsync(
        string tenantId, IReadOnlyList<NumberPartitionWrite> writes, int parallelism, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var starts = writes.Where(w => w.MayNeedSchedule && Watcher.Of(w.Registration).IsActive).ToDictionary(
            w => w.Number.E164, w => ScheduleChains.StartEntry(w.Number, now), StringComparer.Ordinal);
        await chains.WriteStartsAsync(starts.Values, cancellationToken);
        var pending = new System.Collections.Concurrent.ConcurrentDictionary<string, PendingCopy>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            writes,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (write, ct) =>
            {
                if (await UpsertWatcherAsync(write.Number, Watcher.Of(write.Registration), starts.GetValueOrDefault(write.Number.E164), ct) is { } marker)
                {
                    pending[write.Number.E164] = marker;
                }
            });
        return pending;
    }

    private async Task<PendingCopy?> UpsertWatcherAsync(CanonicalNumber number, Watcher watcher, DueEntryEntity? start, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            NumberFactsEntity? facts = null;
            if (start is null || attempt > 0)
            {
                facts = await FactsAsync(number.E164, cancellationToken);
            }

            try
            {
                var needsStart = watcher.IsActive && (facts is null || facts.DuePartition is null);
                if (needsStart && start is null)
                {
                    start = ScheduleChains.StartEntry(number, time.GetUtcNow());
                    await chains.WriteStartAsync(start, cancellationToken);
                }

                var others = facts is null ? [] : facts.WatcherList().Where(w => w.TenantId != watcher.TenantId).ToList();
                var row = new TableEntity(number.E164, NumberFactsEntity.Row)
                {
                    [nameof(NumberFactsEntity.Region)] = number.Region,
                    [nameof(NumberFactsEntity.NumberType)] = number.Type.ToString(),
                    [nameof(NumberFactsEntity.Watchers)] = facts is null
                        ? NumberFactsEntity.Serialize([watcher])
                        : CheckedWatchers(others.Append(watcher).OrderBy(w => w.TenantId, StringComparer.Ordinal)),
                };
                if (needsStart)
                {
                    ScheduleChains.PointAt(row, start!);
                }

                var factsAction = facts is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, row)
                    : new TableTransactionAction(TableTransactionActionType.UpdateMerge, row, facts.ETag);
                var isWatcher = facts is not null && others.Count < facts.WatcherList().Count;
                if (!isWatcher && others.Count >= RegistrationCopy.MaxCopies)
                {
                    await Numbers.SubmitTransactionAsync([factsAction], cancellationToken);
                    return null;
                }

                var token = NewToken();
                var marker = new TableEntity(number.E164, NumberStatusRow.Row)
                {
                    [RegistrationCopy.Property(watcher.TenantId)] = RegistrationCopy.Pending(watcher.TenantId, token),
                };
                var responses = await Numbers.SubmitTransactionAsync(
                    [factsAction, new TableTransactionAction(TableTransactionActionType.UpsertMerge, marker)], cancellationToken);
                return new PendingCopy(token, responses.Value[1].Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && attempt < 8)
            {
                // Another registration of the same number (or a lookup) got in first: read again and re-apply.
                await StorageErrors.ContentionDelayAsync(attempt, cancellationToken);
            }
        }
    }

    private async Task RemoveWatcherAsync(string e164, string tenantId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var facts = await FactsAsync(e164, cancellationToken);
            if (facts is null || facts.WatcherList().All(w => w.TenantId != tenantId))
            {
                return;
            }

            try
            {
                var update = new TableEntity(e164, NumberFactsEntity.Row)
                {
                    [nameof(NumberFactsEntity.Watchers)] = NumberFactsEntity.Serialize(facts.WatcherList().Where(w => w.TenantId != tenantId)),
                };
                await Numbers.UpdateEntityAsync(update, facts.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < 8)
            {
                await StorageErrors.ContentionDelayAsync(attempt, cancellationToken);
            }
        }
    }

    private static string CheckedWatchers(IEnumerable<Watcher> watchers)
    {
        var json = NumberFactsEntity.Serialize(watchers);
        return json.Length <= NumberFactsEntity.MaxWatchersJson
            ? json
            : throw new InvalidOperationException("This number is watched by too many tenants to record one more.");
    }

    /// <summary>
    /// Whether an If-Match header (<c>*</c> or a list of entity tags) names the current ETag. Table ETags are weak
    /// (<c>W/"datetime'…'"</c>) and clients often echo them without the <c>W/</c> marker, so the marker is ignored.
    /// </summary>
    public static bool ETagMatches(string ifMatch, string current)
    {
        static string Opaque(string tag) => tag.Trim() is var t && t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t;

        var currentTag = Opaque(current);
        return ifMatch.Split(',').Select(Opaque).Any(tag => tag == "*" || tag == currentTag);
    }

    /// <summary>Opaque continuation token for a row key.</summary>
    public static string EncodeToken(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecodeToken(string token, out string lastKey)
    {
        lastKey = "";
        if (token.Length is 0 or > 200)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        if (!text.StartsWith("v1:+", StringComparison.Ordinal) || text.Length > 40 || !text[4..].All(char.IsAsciiDigit))
        {
            return false;
        }

        lastKey = text[3..];
        return true;
    }
}

/// <summary>List criteria: department and labeled run in the table query; tag, platform and category on the JSON columns here.</summary>
public sealed record ListFilter(string? Department, string? Tag, bool? Labeled, string? Platform, string? Category)
{
    public static readonly ListFilter None = new(null, null, null, null, null);

    public bool Matches(RegistrationEntity entity)
    {
        if (Tag is not null && !entity.TagList.Contains(Tag, StringComparer.Ordinal))
        {
            return false;
        }

        if (Platform is not null && !Contains(entity.LabeledPlatforms, Platform))
        {
            return false;
        }

        return Category is null || Contains(entity.LabelCategories, Category);
    }

    private static bool Contains(string? json, string value) =>
        json is not null && (JsonSerializer.Deserialize<string[]>(json) ?? []).Contains(value, StringComparer.OrdinalIgnoreCase);
}

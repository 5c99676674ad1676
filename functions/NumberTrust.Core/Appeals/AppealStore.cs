using Azure;
using Azure.Data.Tables;
using NumberTrust.Lookups;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

public enum AppealWriteOutcome
{
    Done,
    NotFound,
    PreconditionFailed,
    InvalidTransition,
    AlreadyOpen,
    InUse,
}

/// <summary>
/// Appeals and their transitions (table <c>Appeals</c>, partition = tenant). Every change writes the appeal, its transition row and
/// the open marker in one entity-group transaction guarded by the appeal's ETag, so a stale writer gets 412 and never loses an update.
/// </summary>
public sealed class AppealStore(StorageAccount storage, TimeProvider clock, EventPublisher events, EvidenceStore evidence)
{
    /// <summary>Row-key prefix of the per-tenant appeal markers in a number's <c>Numbers</c> partition; any marker sets AppealOpen.</summary>
    public const string NumberMarkerPrefix = "appeal|";

    private TableClient Table => storage.Table(TableNames.Appeals);

    private TableClient Numbers => storage.Table(TableNames.Numbers);

    public async Task<LabelStateEntity?> LabelAsync(string number, string platform, CancellationToken cancellationToken)
    {
        var row = await Numbers.GetEntityIfExistsAsync<LabelStateEntity>(number, LabelStateEntity.RowPrefix + platform, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task<(AppealWriteOutcome Outcome, AppealEntity Appeal)> CreateAsync(
        string tenantId, AppealEntity appeal, string actor, string why, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        appeal.PartitionKey = tenantId;
        appeal.RowKey = AppealEntity.RowOf(Guid.NewGuid().ToString("N"));
        appeal.Status = nameof(AppealStatus.Draft);
        appeal.CreatedAt = appeal.UpdatedAt = now;
        appeal.Transitions = 1;
        var first = TransitionRow(appeal, 0, null, AppealStatus.Draft, actor, why, now);
        try
        {
            var response = await Table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.Add, appeal),
                new(TableTransactionActionType.Add, OpenMarker(tenantId, appeal)),
                new(TableTransactionActionType.Add, first),
            ], cancellationToken);
            appeal.ETag = response.Value[0].Headers.ETag ?? default;
        }
        catch (TableTransactionFailedException e) when (e.IsConflict() && e.FailedTransactionActionIndex == 1)
        {
            return (AppealWriteOutcome.AlreadyOpen, appeal);
        }

        await SyncAppealOpenAsync(tenantId, appeal.Number, appeal.Platform, cancellationToken);
        return (AppealWriteOutcome.Done, appeal);
    }

    public async Task<AppealEntity?> FindAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await FindRowAsync(tenantId, id, cancellationToken) is { Deleting: false } appeal ? appeal : null;

    private async Task<AppealEntity?> FindRowAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > 64 || id.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            return null;
        }

        var row = await Table.GetEntityIfExistsAsync<AppealEntity>(tenantId, AppealEntity.RowOf(id), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// Deletes a draft or closed appeal with its transitions and evidence blobs. First the row is marked <c>Deleting</c> (and a
    /// draft's open marker removed) in one transaction, so from then on it reads as gone; then blobs, transitions and the row go.
    /// A submitted appeal must be withdrawn first; one whose evidence a follow-up still uses is refused with the follow-ups' ids.
    /// </summary>
    public async Task<(AppealWriteOutcome Outcome, AppealEntity? Appeal, IReadOnlyList<string> UsedBy)> DeleteAsync(
        string tenantId, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var appeal = await FindRowAsync(tenantId, id, cancellationToken);
        if (appeal is null || (appeal.Deleting && ifMatch is not null && ifMatch != "*"))
        {
            return (AppealWriteOutcome.NotFound, null, []);
        }

        if (!appeal.Deleting)
        {
            if (ifMatch is not null && ifMatch != "*" && ifMatch != appeal.EntityTag)
            {
                return (AppealWriteOutcome.PreconditionFailed, appeal, []);
            }

            if (appeal.State is AppealStatus.Submitted or AppealStatus.InReview)
            {
                return (AppealWriteOutcome.InvalidTransition, appeal, []);
            }

            var usedBy = await EvidenceUsersAsync(tenantId, id, cancellationToken);
            if (usedBy.Count > 0)
            {
                return (AppealWriteOutcome.InUse, appeal, usedBy);
            }

            appeal.Deleting = true;
            appeal.UpdatedAt = clock.GetUtcNow();
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, appeal, appeal.ETag) };
            if (appeal.State == AppealStatus.Draft)
            {
                actions.Add(new(TableTransactionActionType.Delete, OpenMarker(tenantId, appeal), ETag.All));
            }

            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
            {
                return (AppealWriteOutcome.PreconditionFailed, await FindAsync(tenantId, id, cancellationToken), []);
            }

            if (appeal.State == AppealStatus.Draft)
            {
                await SyncAppealOpenAsync(tenantId, appeal.Number, appeal.Platform, cancellationToken);
            }
        }

        await FinishDeleteAsync(appeal, cancellationToken);
        return (AppealWriteOutcome.Done, appeal, []);
    }

    /// <summary>The second step of a delete, repeatable: blobs, then transition rows and the channel send, then the appeal row itself.</summary>
    public async Task FinishDeleteAsync(AppealEntity appeal, CancellationToken cancellationToken)
    {
        await evidence.DeleteAppealAsync(appeal.PartitionKey, appeal.Id, cancellationToken);
        var transitions = new List<TableTransactionAction>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableKeys.WithPrefix(appeal.PartitionKey, $"t|{appeal.Id}|"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            transitions.Add(new(TableTransactionActionType.Delete, new TableEntity(appeal.PartitionKey, row.RowKey), ETag.All));
        }

        foreach (var batch in transitions.Chunk(100))
        {
            try
            {
                await Table.SubmitTransactionAsync(batch, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.IsNotFound())
            {
                // Another finisher (the sweep, a retried DELETE) removed some of these rows first; it removes the rest too.
                return;
            }
        }

        await Table.DeleteEntityAsync(appeal.PartitionKey, AppealSendEntity.RowOf(appeal.Id), ETag.All, cancellationToken);
        await Table.DeleteEntityAsync(appeal.PartitionKey, appeal.RowKey, ETag.All, cancellationToken);
    }

    /// <summary>The tenant's other appeals whose evidence points at this appeal's blobs (follow-ups opened by relabel detection).</summary>
    private async Task<IReadOnlyList<string>> EvidenceUsersAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        await foreach (var other in Table.QueryAsync<AppealEntity>(TableKeys.WithPrefix(tenantId, AppealEntity.RowPrefix), cancellationToken: cancellationToken))
        {
            if (other.Id != id && !other.Deleting && other.Evidence.Values.Any(f => f.CopiedFrom == id))
            {
                users.Add(other.Id);
            }
        }

        return users;
    }

    /// <summary>The id of the open appeal for the number and platform, if any.</summary>
    public async Task<string?> OpenAppealIdAsync(string tenantId, string number, string platform, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, AppealEntity.OpenRow(number, platform), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("AppealId") : null;
    }

    public async Task<IReadOnlyList<AppealTransitionView>> TransitionsAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var list = new List<AppealTransitionView>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableKeys.WithPrefix(tenantId, $"t|{id}|"), cancellationToken: cancellationToken))
        {
            list.Add(new(row.GetString("From"), row.GetString("To") ?? "", row.GetString("Actor") ?? "", row.GetDateTimeOffset("At") ?? default, row.GetString("Why") ?? ""));
        }

        return list;
    }

    /// <summary>The tenant's appeals, newest ids first is not promised: row-key order, paged by "after this row key".</summary>
    public async Task<(IReadOnlyList<AppealEntity> Items, string? Next)> ListAsync(
        string tenantId, Func<AppealEntity, bool> keep, int pageSize, string? after, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableKeys.WithPrefix(tenantId, AppealEntity.RowPrefix)
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {after} and RowKey lt {TableKeys.After(AppealEntity.RowPrefix)}");
        var items = new List<AppealEntity>();
        await foreach (var row in Table.QueryAsync<AppealEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.Deleting || !keep(row))
            {
                continue;
            }

            if (items.Count == pageSize)
            {
                return (items, items[^1].RowKey);
            }

            items.Add(row);
        }

        return (items, null);
    }

    /// <summary>
    /// Applies <paramref name="change"/> and moves the appeal to <paramref name="to"/> (or keeps its state when null), recording a
    /// transition row; guarded by <paramref name="ifMatch"/> when given, else by the ETag just read.
    /// </summary>
    public Task<(AppealWriteOutcome Outcome, AppealEntity? Appeal)> ChangeAsync(
        string tenantId, string id, string? ifMatch, AppealStatus? to, string actor, string why, Action<AppealEntity> change,
        CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, id, ifMatch, to, actor, why, change, AppealEffects.None, cancellationToken);

    /// <summary>As above, also writing <paramref name="effects"/>' rows and outbox event in the same transaction, then publishing the event.</summary>
    public async Task<(AppealWriteOutcome Outcome, AppealEntity? Appeal)> ChangeAsync(
        string tenantId, string id, string? ifMatch, AppealStatus? to, string actor, string why, Action<AppealEntity> change,
        AppealEffects effects, CancellationToken cancellationToken)
    {
        var appeal = await FindAsync(tenantId, id, cancellationToken);
        if (appeal is null)
        {
            return (AppealWriteOutcome.NotFound, null);
        }

        if (ifMatch is not null && ifMatch != "*" && ifMatch != appeal.EntityTag)
        {
            return (AppealWriteOutcome.PreconditionFailed, appeal);
        }

        var from = appeal.State;
        if (to is { } target && !AppealStateMachine.CanMove(from, target))
        {
            return (AppealWriteOutcome.InvalidTransition, appeal);
        }

        var now = clock.GetUtcNow();
        change(appeal);
        appeal.UpdatedAt = now;
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, appeal, appeal.ETag) };
        if (to is { } next)
        {
            appeal.Status = next.ToString();
            appeal.SubmittedAt ??= next == AppealStatus.Submitted ? now : null;
            if (!AppealStateMachine.IsOpen(next))
            {
                appeal.ClosedAt = now;
                actions.Add(new(TableTransactionActionType.Delete, OpenMarker(tenantId, appeal), ETag.All));
            }
        }

        actions.Add(new(TableTransactionActionType.Add, TransitionRow(appeal, appeal.Transitions, from, to ?? from, actor, why, now)));
        appeal.Transitions++;
        foreach (var row in effects.Rows?.Invoke(appeal) ?? [])
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, row));
        }

        var raised = effects.Event?.Invoke(appeal);
        if (raised is not null)
        {
            // Upsert: a redone change (same stable id) replaces the pending row instead of failing on it.
            actions.Add(new(TableTransactionActionType.UpsertReplace, OutboxRow(tenantId, raised, now)));
        }
        try
        {
            var response = await Table.SubmitTransactionAsync(actions, cancellationToken);
            appeal.ETag = response.Value[0].Headers.ETag ?? default;
        }
        catch (TableTransactionFailedException e) when (e.IsPreconditionFailed() || e.IsConflict() || e.IsNotFound())
        {
            return (AppealWriteOutcome.PreconditionFailed, await FindAsync(tenantId, id, cancellationToken));
        }

        if (to is { } closed && !AppealStateMachine.IsOpen(closed))
        {
            await SyncAppealOpenAsync(tenantId, appeal.Number, appeal.Platform, cancellationToken);
        }

        if (raised is not null)
        {
            await PublishAsync(tenantId, raised, cancellationToken);
        }

        return (AppealWriteOutcome.Done, appeal);
    }

    /// <summary>The appeal's Email/Api channel send, if it was submitted on such a route.</summary>
    public async Task<AppealSendEntity?> SendAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<AppealSendEntity>(tenantId, AppealSendEntity.RowOf(id), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>When the number was last submitted on the platform by this tenant, and by which appeal.</summary>
    public async Task<(DateTimeOffset SubmittedAt, string AppealId)?> LastSubmissionAsync(
        string tenantId, string number, string platform, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, AppealEntity.LastRow(number, platform), cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetDateTimeOffset("SubmittedAt") is { } at ? (at, row.Value.GetString("AppealId") ?? "") : null;
    }

    /// <summary>The row that starts the frequency limit's clock; written in the submission's transaction.</summary>
    public static TableEntity LastSubmissionRow(AppealEntity appeal) =>
        new(appeal.PartitionKey, AppealEntity.LastRow(appeal.Number, appeal.Platform)) { ["SubmittedAt"] = appeal.SubmittedAt, ["AppealId"] = appeal.Id };

    /// <summary>
    /// Publishes outbox events that are older than <paramref name="olderThan"/> (their writer died between commit and publish),
    /// then deletes them. The ids are stable, so a publish repeated after a crash is deduplicated by the dispatcher.
    /// </summary>
    public async Task<int> PublishPendingAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - olderThan;
        var published = 0;
        var filter = TableClient.CreateQueryFilter($"RowKey ge {EventPrefix} and RowKey lt {TableKeys.After(EventPrefix)}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("RaisedAt") is { } at && at <= cutoff && row.GetString("Body") is { } body)
            {
                await PublishAsync(row.PartitionKey, QueueMessageJson.Deserialize<NotificationEvent>(BinaryData.FromString(body), NotificationEvent.CurrentVersion), cancellationToken);
                published++;
            }
        }

        return published;
    }

    private const string EventPrefix = "event|";

    private async Task PublishAsync(string tenantId, NotificationEvent raised, CancellationToken cancellationToken)
    {
        await events.PublishAsync(raised, cancellationToken);
        await Table.DeleteEntityAsync(tenantId, AppealEntity.EventRow(raised.EventId), ETag.All, cancellationToken);
    }

    private static TableEntity OutboxRow(string tenantId, NotificationEvent raised, DateTimeOffset at) =>
        new(tenantId, AppealEntity.EventRow(raised.EventId)) { ["Body"] = QueueMessageJson.Serialize(raised).ToString(), ["RaisedAt"] = at };

    /// <summary>
    /// Keeps the number's marker for this tenant and platform in step with its open appeals and sets <c>AppealOpen</c> on the facts
    /// row while any tenant has a marker. Run after each open/close; a crash before it is repaired by the next change.
    /// </summary>
    public async Task SyncAppealOpenAsync(string tenantId, string number, string platform, CancellationToken cancellationToken)
    {
        var marker = $"{NumberMarkerPrefix}{tenantId}|{platform}";
        if (await OpenAppealIdAsync(tenantId, number, platform, cancellationToken) is { } id)
        {
            await Numbers.UpsertEntityAsync(new TableEntity(number, marker) { ["AppealId"] = id }, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await Numbers.DeleteEntityAsync(number, marker, ETag.All, cancellationToken);
        }

        var open = false;
        await foreach (var _ in Numbers.QueryAsync<TableEntity>(TableKeys.WithPrefix(number, NumberMarkerPrefix), maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            open = true;
            break;
        }

        var facts = await Numbers.GetEntityIfExistsAsync<TableEntity>(number, NumberFactsEntity.Row, cancellationToken: cancellationToken);
        if (facts.HasValue && (facts.Value!.GetBoolean(nameof(NumberFactsEntity.AppealOpen)) ?? false) != open)
        {
            // A merge touches only this property, so it cannot undo a concurrent watcher or schedule change.
            await Numbers.UpdateEntityAsync(new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.AppealOpen)] = open }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
    }

    private static TableEntity OpenMarker(string tenantId, AppealEntity appeal) =>
        new(tenantId, AppealEntity.OpenRow(appeal.Number, appeal.Platform)) { ["AppealId"] = appeal.Id };

    private static TableEntity TransitionRow(AppealEntity appeal, int seq, AppealStatus? from, AppealStatus to, string actor, string why, DateTimeOffset at) =>
        new(appeal.PartitionKey, AppealEntity.TransitionRow(appeal.Id, seq))
        {
            ["From"] = from?.ToString(),
            ["To"] = to.ToString(),
            ["Actor"] = actor,
            ["At"] = at,
            ["Why"] = why.Length > 1000 ? why[..1000] : why,
        };
}

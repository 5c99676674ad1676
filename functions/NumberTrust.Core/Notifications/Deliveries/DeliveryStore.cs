using Azure;
using Azure.Data.Tables;
using NumberTrust.Notifications.Email;
using NumberTrust.Storage;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>Delivery records (table <see cref="TableNames.Deliveries"/>); see <see cref="DeliveryEntity"/> for the keys.</summary>
public sealed class DeliveryStore(StorageAccount storage)
{
    public const string IdPrefix = "dlv_";

    private TableClient Table => storage.Table(TableNames.Deliveries);

    /// <summary>The stable id of (subscription, channel, event): the same whoever dispatches the event, however often.</summary>
    public static string IdFor(string subscriptionId, string channelKey, string eventId) =>
        IdPrefix + EmailOperationIds.For(subscriptionId, channelKey, eventId).ToString("N");

    /// <summary>What identifies a channel of a subscription: <c>webhook:{url}</c> or <c>email:{address}</c>.</summary>
    public static string ChannelKey(string channel, string target) => channel + ":" + target;

    public static bool IsId(string? id) =>
        id is { Length: 36 } && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id[4..].All(char.IsAsciiHexDigitLower);

    /// <summary>Adds a new delivery (record and status copy); false when it exists already (the event was dispatched before).</summary>
    public async Task<bool> AddAsync(DeliveryEntity delivery, CancellationToken cancellationToken)
    {
        delivery.RowKey = DeliveryEntity.RecordRow(delivery.DeliveryId);
        try
        {
            var response = await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, delivery),
                    new TableTransactionAction(TableTransactionActionType.Add, delivery.CopyAs(delivery.StatusRow)),
                ],
                cancellationToken);
            delivery.ETag = response.Value[0].Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<DeliveryEntity?> FindAsync(string tenantId, string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<DeliveryEntity>(
            DeliveryEntity.PartitionFor(tenantId, subscriptionId), DeliveryEntity.RecordRow(deliveryId), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Writes a changed delivery conditional on the ETag it was read with, moving its status copy from
    /// <paramref name="previousStatusRow"/> when the status changed; false when someone else wrote it first.
    /// </summary>
    public async Task<bool> ReplaceAsync(DeliveryEntity delivery, string previousStatusRow, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, delivery, delivery.ETag) };
        if (previousStatusRow != delivery.StatusRow)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(delivery.PartitionKey, previousStatusRow), ETag.All));
        }

        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, delivery.CopyAs(delivery.StatusRow)));
        try
        {
            var response = await Table.SubmitTransactionAsync(actions, cancellationToken);
            delivery.ETag = response.Value[0].Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Adds an event's dispatch; false when one exists already (another message of the event, or this one before).</summary>
    public async Task<bool> AddDispatchAsync(DispatchEntity dispatch, CancellationToken cancellationToken)
    {
        try
        {
            dispatch.ETag = (await Table.AddEntityAsync(dispatch, cancellationToken)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<DispatchEntity?> FindDispatchAsync(string eventId, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<DispatchEntity>(DispatchEntity.PartitionFor(eventId), DispatchEntity.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Writes a changed dispatch conditional on the ETag it was read with; false when someone else wrote it first.</summary>
    public async Task<bool> ReplaceDispatchAsync(DispatchEntity dispatch, CancellationToken cancellationToken)
    {
        try
        {
            dispatch.ETag = (await Table.UpdateEntityAsync(dispatch, dispatch.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>One page of a subscription's deliveries: of one status newest first, or all of them in id order.</summary>
    public async Task<(IReadOnlyList<DeliveryEntity> Items, string? LastKey)> ListAsync(
        string tenantId, string subscriptionId, DeliveryStatus? status, string? after, int pageSize, CancellationToken cancellationToken)
    {
        var partition = DeliveryEntity.PartitionFor(tenantId, subscriptionId);
        var prefix = status is { } s ? DeliveryEntity.StatusRowPrefix(s) : DeliveryEntity.RecordPrefix;
        var from = after is not null && after.StartsWith(prefix, StringComparison.Ordinal) ? after : null;
        var filter = from is null
            ? TableKeys.WithPrefix(partition, prefix)
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {TableKeys.After(prefix)}");
        var items = new List<DeliveryEntity>(pageSize);
        await foreach (var entity in Table.QueryAsync<DeliveryEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken))
        {
            items.Add(entity);
            if (items.Count == pageSize)
            {
                return (items, entity.RowKey);
            }
        }

        return (items, null);
    }

    public static string EncodeToken(string rowKey) => PageTokens.Encode("d1", rowKey);

    public static bool TryDecodeToken(string token, out string rowKey) =>
        PageTokens.TryDecode(token, "d1", 200, out rowKey) &&
        (rowKey.StartsWith(DeliveryEntity.RecordPrefix, StringComparison.Ordinal) || rowKey.StartsWith(DeliveryEntity.StatusPrefix, StringComparison.Ordinal));
}

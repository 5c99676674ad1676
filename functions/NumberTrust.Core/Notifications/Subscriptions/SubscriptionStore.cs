using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Notifications.Webhooks;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Notifications.Subscriptions;

/// <summary>Outcome of a conditional subscription write.</summary>
public enum SubscriptionWrite
{
    Done,
    NotFound,
    PreconditionFailed,
}

/// <summary>Subscription rows (table <see cref="TableNames.Subscriptions"/>), one partition per tenant.</summary>
public sealed class SubscriptionStore(StorageAccount storage, TimeProvider time)
{
    public const string IdPrefix = "sub_";
    private const int WriteRounds = 3;

    private TableClient Table => storage.Table(TableNames.Subscriptions);

    public static bool IsId(string? id) =>
        id is { Length: 20 } && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id[4..].All(char.IsAsciiHexDigitLower);

    /// <summary>An opaque continuation token for the page after <paramref name="lastId"/>.</summary>
    public static string EncodeToken(string lastId) => PageTokens.Encode("s1", lastId);

    public static bool TryDecodeToken(string token, out string lastId) => PageTokens.TryDecode(token, "s1", 64, out lastId) && IsId(lastId);

    /// <summary>Creates a subscription; the webhook secret (when it has webhooks) is returned only here.</summary>
    public async Task<(SubscriptionEntity Entity, WebhookSecret? Secret)> CreateAsync(string tenantId, SubscriptionInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = input.Webhooks.Count > 0 ? WebhookSecret.Generate() : null;
        var entity = new SubscriptionEntity
        {
            PartitionKey = tenantId,
            RowKey = IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            CreatedAt = now,
            Secret = secret?.Value,
        };
        Apply(entity, input, now);
        var response = await Table.AddEntityAsync(entity, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
        return (entity, secret);
    }

    public async Task<SubscriptionEntity?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<SubscriptionEntity>(tenantId, id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>One page of a tenant's subscriptions in id order, and the last id when more may follow.</summary>
    public async Task<(IReadOnlyList<SubscriptionEntity> Items, string? LastKey)> ListAsync(string tenantId, string? after, int pageSize, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {after}");
        var items = new List<SubscriptionEntity>(pageSize);
        await foreach (var entity in Table.QueryAsync<SubscriptionEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken))
        {
            items.Add(entity);
            if (items.Count == pageSize)
            {
                return (items, entity.RowKey);
            }
        }

        return (items, null);
    }

    /// <summary>Every subscription of a tenant (the dispatcher's view; tenants have few).</summary>
    public async Task<IReadOnlyList<SubscriptionEntity>> AllAsync(string tenantId, CancellationToken cancellationToken)
    {
        var items = new List<SubscriptionEntity>();
        await foreach (var entity in Table.QueryAsync<SubscriptionEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}"), cancellationToken: cancellationToken))
        {
            items.Add(entity);
        }

        return items;
    }

    /// <summary>Replaces a subscription's settings; a first webhook gets a new secret, returned only here.</summary>
    public Task<(SubscriptionWrite Outcome, SubscriptionEntity? Entity, WebhookSecret? Secret)> ReplaceAsync(
        string tenantId, string id, SubscriptionInput input, string? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(tenantId, id, ifMatch, entity =>
        {
            WebhookSecret? secret = null;
            if (input.Webhooks.Count > 0 && entity.Secret is null)
            {
                secret = WebhookSecret.Generate();
                entity.Secret = secret.Value;
            }

            // Saving the subscription again re-enables endpoints that answered 410 Gone: the tenant has looked at them.
            entity.DisabledWebhooks = null;
            Apply(entity, input, time.GetUtcNow());
            return secret;
        }, cancellationToken);

    /// <summary>A new webhook secret; the previous one still signs deliveries (a second signature) until the overlap ends.</summary>
    public Task<(SubscriptionWrite Outcome, SubscriptionEntity? Entity, WebhookSecret? Secret)> RotateSecretAsync(
        string tenantId, string id, TimeSpan overlap, string? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(tenantId, id, ifMatch, entity =>
        {
            var now = time.GetUtcNow();
            var secret = WebhookSecret.Generate();
            entity.PreviousSecret = overlap > TimeSpan.Zero ? entity.Secret : null;
            entity.PreviousSecretExpiresAt = overlap > TimeSpan.Zero && entity.Secret is not null ? now + overlap : null;
            entity.Secret = secret.Value;
            entity.UpdatedAt = now;
            return secret;
        }, cancellationToken);

    /// <summary>Marks a webhook endpoint disabled (it answered 410 Gone); unconditional, retried on concurrent writes.</summary>
    public async Task DisableWebhookAsync(string tenantId, string id, string url, CancellationToken cancellationToken) =>
        await UpdateAsync(tenantId, id, null, entity =>
        {
            entity.DisabledWebhooks = SubscriptionEntity.Write(entity.DisabledWebhookList.Append(url).Distinct(StringComparer.Ordinal));
            return null;
        }, cancellationToken);

    public async Task<SubscriptionWrite> DeleteAsync(string tenantId, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(tenantId, id, cancellationToken);
        if (existing is null)
        {
            return SubscriptionWrite.NotFound;
        }

        if (ifMatch is not null && !NumberStore.ETagMatches(ifMatch, existing.EntityTag))
        {
            return SubscriptionWrite.PreconditionFailed;
        }

        try
        {
            await Table.DeleteEntityAsync(tenantId, id, ifMatch is null ? ETag.All : existing.ETag, cancellationToken);
            return SubscriptionWrite.Done;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return SubscriptionWrite.PreconditionFailed;
        }
    }

    /// <summary>The secrets that sign a delivery now: the current one, and the previous one during its overlap.</summary>
    public IReadOnlyList<WebhookSecret> SigningSecrets(SubscriptionEntity entity)
    {
        var secrets = new List<WebhookSecret>(2);
        if (entity.Secret is not null)
        {
            secrets.Add(WebhookSecret.Parse(entity.Secret));
        }

        if (entity.PreviousSecret is not null && entity.PreviousSecretExpiresAt > time.GetUtcNow())
        {
            secrets.Add(WebhookSecret.Parse(entity.PreviousSecret));
        }

        return secrets;
    }

    private async Task<(SubscriptionWrite, SubscriptionEntity?, WebhookSecret?)> UpdateAsync(
        string tenantId, string id, string? ifMatch, Func<SubscriptionEntity, WebhookSecret?> change, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var entity = await FindAsync(tenantId, id, cancellationToken);
            if (entity is null)
            {
                return (SubscriptionWrite.NotFound, null, null);
            }

            if (ifMatch is not null && !NumberStore.ETagMatches(ifMatch, entity.EntityTag))
            {
                return (SubscriptionWrite.PreconditionFailed, entity, null);
            }

            var secret = change(entity);
            try
            {
                var response = await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                entity.ETag = response.Headers.ETag ?? default;
                return (SubscriptionWrite.Done, entity, secret);
            }
            catch (RequestFailedException e) when (e.Status == 412 && (ifMatch is null || NumberStore.ETagMatches(ifMatch, "*")) && round < WriteRounds)
            {
                // Changed between read and write: without a caller's If-Match, read again and reapply.
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return (SubscriptionWrite.PreconditionFailed, entity, null);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                return (SubscriptionWrite.NotFound, null, null);
            }
        }
    }

    private static void Apply(SubscriptionEntity entity, SubscriptionInput input, DateTimeOffset now)
    {
        entity.Name = input.Name;
        entity.EventTypes = SubscriptionEntity.Write(input.EventTypes);
        entity.Platform = input.Platform;
        entity.MinimumCategory = input.MinimumCategory;
        entity.Tag = input.Tag;
        entity.Department = input.Department;
        entity.Emails = SubscriptionEntity.Write(input.Emails);
        entity.Webhooks = SubscriptionEntity.Write(input.Webhooks);
        entity.UpdatedAt = now;
    }
}

using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>Query of <c>GET /api/subscriptions/{id}/deliveries</c>.</summary>
public sealed record ListDeliveriesQuery(
    [property: Description("The subscription id (sub_ + 16 hex digits).")] string SubscriptionId,
    [FromQuery(Name = "status")] [property: Description("pending, succeeded or failed (newest first); omitted = every delivery, in id order.")] string? Status,
    [FromQuery(Name = "pageSize")] [property: Description("Items per page, 1 to 100 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken)
{
    public Validated<(string SubscriptionId, DeliveryStatus? Status, int PageSize, string? After)> Parse()
    {
        if (!SubscriptionStore.IsId(SubscriptionId))
        {
            return Problems.Invalid("subscriptionId", "Not a subscription id (sub_ followed by 16 hex digits).");
        }

        DeliveryStatus? status = null;
        if (Status is { } text)
        {
            if (!Enum.TryParse<DeliveryStatus>(text, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(text, out _))
            {
                return Problems.Invalid("status", "status must be pending, succeeded or failed.");
            }

            status = parsed;
        }

        var pageSize = ListSubscriptionsQuery.DefaultPageSize;
        if (PageSize is { } sizeText && (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > ListSubscriptionsQuery.MaxPageSize))
        {
            return Problems.Invalid("pageSize", $"pageSize must be a whole number from 1 to {ListSubscriptionsQuery.MaxPageSize}.");
        }

        string? after = null;
        if (ContinuationToken is { } token && !DeliveryStore.TryDecodeToken(token, out after!))
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this API issued.");
        }

        return (SubscriptionId, status, pageSize, after);
    }
}

/// <summary>Route of <c>POST /api/subscriptions/{id}/deliveries/{deliveryId}/redeliver</c>.</summary>
public sealed record DeliveryRoute(
    [property: Description("The subscription id (sub_ + 16 hex digits).")] string SubscriptionId,
    [property: Description("The delivery id (dlv_ + 32 hex digits).")] string DeliveryId)
{
    public Validated<(string SubscriptionId, string DeliveryId)> Parse() =>
        !SubscriptionStore.IsId(SubscriptionId) ? Problems.Invalid("subscriptionId", "Not a subscription id (sub_ followed by 16 hex digits).")
        : !DeliveryStore.IsId(DeliveryId) ? Problems.Invalid("deliveryId", "Not a delivery id (dlv_ followed by 32 hex digits).")
        : (SubscriptionId, DeliveryId);
}

/// <summary>A delivery as the API shows it, with every recorded attempt.</summary>
public sealed record DeliveryView(
    string Id,
    string EventId,
    string EventType,
    string? Number,
    [property: Description("webhook or email.")] string Channel,
    [property: Description("The webhook URL or recipient address.")] string Target,
    [property: Description("pending, succeeded or failed (failed = given up: the dead letter).")] string Status,
    [property: Description("True while a worker is sending it.")] bool InFlight,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    IReadOnlyList<DeliveryAttempt> AttemptLog,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt)
{
    internal static DeliveryView Of(DeliveryEntity e, DateTimeOffset now) => new(
        e.DeliveryId, e.EventId, e.EventType, e.Number, e.Channel, e.Target, e.Status.ToLowerInvariant(), e.IsClaimed(now), e.Attempts,
        e.NextAttemptAt, e.LastError, e.AttemptList(), e.CreatedAt, e.UpdatedAt, e.CompletedAt);
}

public sealed record DeliveryPage(IReadOnlyList<DeliveryView> Items, string? ContinuationToken);

/// <summary>A subscription's deliveries: listing by status (the dead letters are <c>status=failed</c>) and manual redelivery.</summary>
public static class DeliveriesApi
{
    public static RouteGroupBuilder MapDeliveries(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Subscriptions").RequireTenant();
        group.MapGet(ApiRoutes.SubscriptionDeliveries, ListAsync).WithName(FunctionNames.ListDeliveries)
            .WithSummary("A subscription's deliveries with each attempt's status and latency; status=failed lists the dead letters.");
        group.MapPost(ApiRoutes.SubscriptionRedeliver, RedeliverAsync).WithName(FunctionNames.RedeliverDelivery)
            .WithSummary("Queue one delivery again now (a failed one gets a new retry schedule). 409 while it is being sent or once it succeeded.");
        return api;
    }

    public static async Task<Results<Ok<DeliveryPage>, NotFoundProblem, ValidationProblem>> ListAsync(
        [AsParameters] ListDeliveriesQuery query, CurrentTenant tenant, SubscriptionStore subscriptions, DeliveryStore deliveries, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var criteria = query.Parse();
        if (!criteria.IsValid)
        {
            return criteria.Problem;
        }

        var (subscriptionId, status, pageSize, after) = criteria.Value;
        if (await subscriptions.FindAsync(tenant.Id, subscriptionId, cancellationToken) is null)
        {
            return Problems.NotFound($"Subscription {subscriptionId} does not exist.");
        }

        var (items, lastKey) = await deliveries.ListAsync(tenant.Id, subscriptionId, status, after, pageSize, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new DeliveryPage(items.Select(d => DeliveryView.Of(d, now)).ToList(), lastKey is null ? null : DeliveryStore.EncodeToken(lastKey)));
    }

    public static async Task<Results<Accepted<DeliveryView>, NotFoundProblem, ConflictProblem, ValidationProblem>> RedeliverAsync(
        [AsParameters] DeliveryRoute route, CurrentTenant tenant, DeliveryStore deliveries, DeliveryQueue queue, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var ids = route.Parse();
        if (!ids.IsValid)
        {
            return ids.Problem;
        }

        var (subscriptionId, deliveryId) = ids.Value;
        for (var round = 0; round < 3; round++)
        {
            var delivery = await deliveries.FindAsync(tenant.Id, subscriptionId, deliveryId, cancellationToken);
            var now = time.GetUtcNow();
            if (delivery is null)
            {
                return Problems.NotFound($"Delivery {deliveryId} of subscription {subscriptionId} does not exist.");
            }

            if (delivery.State == DeliveryStatus.Succeeded)
            {
                return Problems.Conflict($"Delivery {deliveryId} succeeded already; it is never sent twice.");
            }

            if (delivery.IsClaimed(now))
            {
                return Problems.Conflict($"Delivery {deliveryId} is being sent right now; look again in a moment.");
            }

            if (delivery.State == DeliveryStatus.Failed)
            {
                var statusRow = delivery.StatusRow;
                delivery.Status = nameof(DeliveryStatus.Pending);
                delivery.ScheduleStart = delivery.Attempts;
                delivery.CompletedAt = null;
                delivery.UpdatedAt = now;
                if (delivery.Channel == DeliveryEntity.EmailChannel && delivery.LastOutcome?.StartsWith("Operation", StringComparison.Ordinal) == true)
                {
                    // ACS ended the last operation itself (Failed/Canceled): that id would only return it again, so this send gets a new one.
                    delivery.OperationId = EmailOperationIds.For(subscriptionId, DeliveryStore.ChannelKey(delivery.Channel, delivery.Target),
                        delivery.EventId + "#" + delivery.Attempts.ToString(CultureInfo.InvariantCulture)).ToString("D");
                }

                if (!await deliveries.ReplaceAsync(delivery, statusRow, cancellationToken))
                {
                    continue;
                }
            }

            // A pending delivery waiting for its back-off is simply tried now; its delayed message then finds the attempt made.
            await queue.SendAsync(delivery, TimeSpan.Zero, cancellationToken);
            return TypedResults.Accepted(ApiRoutes.PathOf(ApiRoutes.SubscriptionDeliveries.Replace("{subscriptionId}", subscriptionId, StringComparison.Ordinal)) + "?status=pending",
                DeliveryView.Of(delivery, now));
        }

        return Problems.Conflict($"Delivery {deliveryId} keeps changing; try again.");
    }
}

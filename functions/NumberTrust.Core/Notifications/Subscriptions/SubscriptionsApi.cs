using System.ComponentModel;
using System.Globalization;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Webhooks;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Subscriptions;

/// <summary>The subscription id in a route.</summary>
public sealed record SubscriptionRoute([property: Description("The subscription id (sub_ + 16 hex digits).")] string SubscriptionId)
{
    public Validated<string> Parse() =>
        SubscriptionStore.IsId(SubscriptionId) ? SubscriptionId : Problems.Invalid("subscriptionId", "Not a subscription id (sub_ followed by 16 hex digits).");
}

/// <summary>Query of <c>GET /api/subscriptions</c>.</summary>
public sealed record ListSubscriptionsQuery(
    [FromQuery(Name = "pageSize")] [property: Description("Items per page, 1 to 100 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public Validated<(int PageSize, string? After)> Parse()
    {
        var pageSize = DefaultPageSize;
        if (PageSize is { } sizeText && (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Problems.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        string? after = null;
        if (ContinuationToken is { } token && !SubscriptionStore.TryDecodeToken(token, out after!))
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this API issued.");
        }

        return (pageSize, after);
    }
}

/// <summary>The If-Match header of subscription writes.</summary>
public sealed record SubscriptionPrecondition([FromHeader(Name = "If-Match")] [property: Description("The ETag the subscription must still have (or *).")] string? IfMatch)
{
    public string? Match => string.IsNullOrWhiteSpace(IfMatch) ? null : IfMatch.Trim();
}

/// <summary>Alert subscriptions: which events a tenant wants, filtered how, delivered by email and/or signed webhooks.</summary>
public static class SubscriptionsApi
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(7);

    public static RouteGroupBuilder MapSubscriptions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Subscriptions").RequireTenant();
        group.MapPost(ApiRoutes.Subscriptions, CreateAsync).WithName(FunctionNames.CreateSubscription)
            .WithSummary("Create a subscription. The answer holds the webhook signing secret, shown this once.")
            .AcceptsJson<SubscriptionRequest>();
        group.MapGet(ApiRoutes.Subscriptions, ListAsync).WithName(FunctionNames.ListSubscriptions)
            .WithSummary("The tenant's subscriptions in id order, paged with continuation tokens.");
        group.MapGet(ApiRoutes.Subscription, GetAsync).WithName(FunctionNames.GetSubscription)
            .WithSummary("One subscription (without its secret).");
        group.MapPut(ApiRoutes.Subscription, ReplaceAsync).WithName(FunctionNames.PutSubscription)
            .WithSummary("Replace a subscription's settings. Honours If-Match; re-enables webhook endpoints disabled by 410 Gone.")
            .AcceptsJson<SubscriptionRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete(ApiRoutes.Subscription, DeleteAsync).WithName(FunctionNames.DeleteSubscription)
            .WithSummary("Delete a subscription. Honours If-Match.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost(ApiRoutes.SubscriptionSecret, RotateSecretAsync).WithName(FunctionNames.RotateSubscriptionSecret)
            .WithSummary("Rotate the webhook secret; the old one keeps signing (a second signature) during the overlap. Honours If-Match.")
            .AcceptsJson<RotateSecretRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost(ApiRoutes.SubscriptionTest, TestAsync).WithName(FunctionNames.TestSubscription)
            .WithSummary("Send a signed system.ping through every channel of the subscription and report each result.");
        return api;
    }

    public static async Task<Results<Created<SubscriptionView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, CurrentTenant tenant, SubscriptionStore store, PlatformIdSet platforms, WebhookUrlPolicy policy, CancellationToken cancellationToken)
    {
        var read = await ReadInputAsync(request, platforms, policy, cancellationToken);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        if (read.Input is not { } input)
        {
            return read.Problem!;
        }

        var (entity, secret) = await store.CreateAsync(tenant.Id, input, cancellationToken);
        request.HttpContext.Response.Headers.ETag = entity.EntityTag;
        return TypedResults.Created(ApiRoutes.PathOf(ApiRoutes.Subscriptions + "/" + entity.RowKey), SubscriptionView.Of(entity, secret));
    }

    public static async Task<Results<Ok<SubscriptionPage>, ValidationProblem>> ListAsync(
        [AsParameters] ListSubscriptionsQuery query, CurrentTenant tenant, SubscriptionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var criteria = query.Parse();
        if (!criteria.IsValid)
        {
            return criteria.Problem;
        }

        var (items, lastKey) = await store.ListAsync(tenant.Id, criteria.Value.After, criteria.Value.PageSize, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new SubscriptionPage(items.Select(e => SubscriptionView.Of(e, now: now)).ToList(), lastKey is null ? null : SubscriptionStore.EncodeToken(lastKey)));
    }

    public static async Task<Results<Ok<SubscriptionView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] SubscriptionRoute route, CurrentTenant tenant, HttpResponse response, SubscriptionStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        var entity = await store.FindAsync(tenant.Id, id.Value, cancellationToken);
        if (entity is null)
        {
            return NotFound(id.Value);
        }

        response.Headers.ETag = entity.EntityTag;
        return TypedResults.Ok(SubscriptionView.Of(entity, now: time.GetUtcNow()));
    }

    public static async Task<Results<Ok<SubscriptionView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        [AsParameters] SubscriptionRoute route, [AsParameters] SubscriptionPrecondition precondition, HttpRequest request, CurrentTenant tenant,
        SubscriptionStore store, PlatformIdSet platforms, WebhookUrlPolicy policy, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        var read = await ReadInputAsync(request, platforms, policy, cancellationToken);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        if (read.Input is not { } input)
        {
            return read.Problem!;
        }

        var (outcome, entity, secret) = await store.ReplaceAsync(tenant.Id, id.Value, input, precondition.Match, cancellationToken);
        return Written(outcome, id.Value, entity, secret, request.HttpContext.Response, time);
    }

    public static async Task<Results<NoContent, NotFoundProblem, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        [AsParameters] SubscriptionRoute route, [AsParameters] SubscriptionPrecondition precondition, CurrentTenant tenant, SubscriptionStore store,
        CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        return await store.DeleteAsync(tenant.Id, id.Value, precondition.Match, cancellationToken) switch
        {
            SubscriptionWrite.NotFound => NotFound(id.Value),
            SubscriptionWrite.PreconditionFailed => Problems.PreconditionFailed($"Subscription {id.Value} has changed since it was read."),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<Results<Ok<SubscriptionView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> RotateSecretAsync(
        [AsParameters] SubscriptionRoute route, [AsParameters] SubscriptionPrecondition precondition, HttpRequest request, CurrentTenant tenant,
        SubscriptionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        var body = await HttpBody.ReadJsonAsync(request, new RotateSecretRequest(null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var hours = body.Value.OverlapHours ?? DefaultOverlap.TotalHours;
        if (!double.IsFinite(hours) || hours < 0 || hours > MaxOverlap.TotalHours)
        {
            return Problems.Invalid("overlapHours", $"overlapHours must be from 0 to {MaxOverlap.TotalHours}.");
        }

        var (outcome, entity, secret) = await store.RotateSecretAsync(tenant.Id, id.Value, TimeSpan.FromHours(hours), precondition.Match, cancellationToken);
        return Written(outcome, id.Value, entity, secret, request.HttpContext.Response, time);
    }

    public static async Task<Results<Ok<SubscriptionTestResult>, NotFoundProblem, ValidationProblem>> TestAsync(
        [AsParameters] SubscriptionRoute route, CurrentTenant tenant, SubscriptionStore store, WebhookSender webhooks, EmailChannel email,
        Mail.AlertMailRenderer mail, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        var entity = await store.FindAsync(tenant.Id, id.Value, cancellationToken);
        if (entity is null)
        {
            return NotFound(id.Value);
        }

        // A ping is an event of its own: a fresh id each time, so receivers that deduplicate on webhook-id still see every test.
        var ping = new NotificationEvent(NotificationEvent.CurrentVersion, "evt_ping_" + Guid.NewGuid().ToString("N"), EventTypes.Ping, time.GetUtcNow(), TenantId: tenant.Id);
        var results = new List<ChannelTestResult>();
        var body = WebhookPayload.For(ping, entity.RowKey);
        var secrets = store.SigningSecrets(entity);
        foreach (var url in entity.WebhookList)
        {
            var attempt = await webhooks.SendAsync(new WebhookDelivery(new Uri(url), ping.EventId, body, secrets), cancellationToken);
            results.Add(new ChannelTestResult("webhook", url, attempt.IsSuccess, attempt.StatusCode, attempt.Latency.TotalMilliseconds, attempt.IsSuccess ? null : attempt.Outcome + (attempt.Detail is null ? "" : ": " + attempt.Detail)));
        }

        foreach (var recipient in entity.EmailList)
        {
            results.Add(await SendTestMailAsync(email, mail.Render(ping, entity), entity, recipient, ping, time, cancellationToken));
        }

        return TypedResults.Ok(new SubscriptionTestResult(entity.RowKey, ping.EventId, results));
    }

    private static async Task<ChannelTestResult> SendTestMailAsync(
        EmailChannel email, EmailContent content, SubscriptionEntity subscription, string recipient, NotificationEvent ping, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (email.Client is not { } client)
        {
            return new ChannelTestResult("email", recipient, false, null, 0, $"Email is not configured ({EmailOptions.Section}:Endpoint or {EmailOptions.Section}:ConnectionString).");
        }

        var started = time.GetTimestamp();
        try
        {
            var operation = await client.SendAsync(WaitUntil.Completed, new EmailMessage(email.SenderAddress!, recipient, content),
                EmailOperationIds.For(subscription.RowKey, "email:" + recipient, ping.EventId), cancellationToken);
            var succeeded = operation.Status == EmailSendStatus.Succeeded;
            return new ChannelTestResult("email", recipient, succeeded, 202, time.GetElapsedTime(started).TotalMilliseconds, succeeded ? null : "ACS status " + operation.Status);
        }
        catch (RequestFailedException e)
        {
            return new ChannelTestResult("email", recipient, false, e.Status == 0 ? null : e.Status, time.GetElapsedTime(started).TotalMilliseconds, e.ErrorCode ?? e.Message);
        }
        catch (HttpRequestException e)
        {
            return new ChannelTestResult("email", recipient, false, null, time.GetElapsedTime(started).TotalMilliseconds, e.Message);
        }
    }

    /// <summary>The body read and validated: the input, or the 400/413/415 to answer.</summary>
    private readonly record struct ReadInput(SubscriptionInput? Input, ValidationProblem? Invalid, ProblemHttpResult? Problem);

    private static async Task<ReadInput> ReadInputAsync(HttpRequest request, PlatformIdSet platforms, WebhookUrlPolicy policy, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<SubscriptionRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return new ReadInput(null, null, body.Problem);
        }

        var (input, errors) = SubscriptionInput.From(body.Value, platforms, policy);
        return input is null ? new ReadInput(null, Problems.Invalid(errors), null) : new ReadInput(input, null, null);
    }

    private static Results<Ok<SubscriptionView>, NotFoundProblem, ValidationProblem, ProblemHttpResult> Written(
        SubscriptionWrite outcome, string id, SubscriptionEntity? entity, WebhookSecret? secret, HttpResponse response, TimeProvider time)
    {
        switch (outcome)
        {
            case SubscriptionWrite.NotFound:
                return NotFound(id);
            case SubscriptionWrite.PreconditionFailed:
                return Problems.PreconditionFailed($"Subscription {id} has changed (current ETag {entity?.EntityTag}).");
            default:
                response.Headers.ETag = entity!.EntityTag;
                return TypedResults.Ok(SubscriptionView.Of(entity, secret, time.GetUtcNow()));
        }
    }

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"Subscription {id} does not exist.");
}

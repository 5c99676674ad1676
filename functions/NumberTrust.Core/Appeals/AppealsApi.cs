using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Email;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Appeals;

/// <summary>Removal appeals: create for a labeled number, read, list, submit, withdraw, record the platform's updates.</summary>
public static class AppealsApi
{
    public static RouteGroupBuilder MapAppeals(this RouteGroupBuilder api)
    {
        var appeals = api.MapGroup("").WithTags("Appeals").RequireTenant();
        appeals.MapPost(ApiRoutes.NumberAppeals, CreateAsync).WithName(FunctionNames.CreateAppeal).AcceptsJson<CreateAppealRequest>()
            .WithSummary("Open a draft appeal for a number labeled on a platform; 201 with Location. 409 when one is already open, 422 when the number is not labeled there.");
        appeals.MapGet(ApiRoutes.Appeals, ListAsync).WithName(FunctionNames.ListAppeals)
            .WithSummary("The tenant's appeals, filtered by status, platform and number, paged.");
        appeals.MapGet(ApiRoutes.Appeal, GetAsync).WithName(FunctionNames.GetAppeal)
            .WithSummary("One appeal with every transition (who, when, why) and its response time.");
        appeals.MapPost(ApiRoutes.AppealSubmit, SubmitAsync).WithName(FunctionNames.SubmitAppeal).AcceptsJson<AppealActionRequest>()
            .WithSummary("Draft -> Submitted (the operator's confirmation that it was filed). Honours If-Match.");
        appeals.MapPost(ApiRoutes.AppealWithdraw, WithdrawAsync).WithName(FunctionNames.WithdrawAppeal).AcceptsJson<AppealActionRequest>()
            .WithSummary("Withdraw an open appeal. Honours If-Match.");
        appeals.MapPost(ApiRoutes.AppealUpdates, UpdateAsync).WithName(FunctionNames.UpdateAppeal).AcceptsJson<AppealUpdateRequest>()
            .WithSummary("Record what the platform said: status InReview or Rejected (with reason), Removed (a claim, verified by lookups), a note, a ticket number. Honours If-Match.");
        appeals.MapDelete(ApiRoutes.Appeal, DeleteAsync).WithName(FunctionNames.DeleteAppeal)
            .WithSummary("Delete a draft or closed appeal with its transitions and evidence files; 204. A submitted appeal must be withdrawn first (409); one whose evidence a follow-up uses is refused (409 naming the follow-ups). Honours If-Match.");
        appeals.MapPost(ApiRoutes.AppealReopen, ReopenAsync).WithName(FunctionNames.ReopenAppeal).AcceptsJson<AppealActionRequest>()
            .WithSummary("Re-open a Rejected appeal as a new draft linked to it; 201 with Location.");
        appeals.MapAppealEvidence();
        appeals.MapAppealReport();
        appeals.MapAppealSettings();
        return api;
    }

    public static async Task<Results<Created<AppealView>, NotFoundProblem, ConflictProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>> CreateAsync(
        [AsParameters] NumberRoute route, HttpRequest request, CurrentTenant tenant, NumberStore numbers, AppealStore store,
        PlatformIdSet platforms, AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var body = await HttpBody.ReadJsonAsync<CreateAppealRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var input = body.Value;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Platform) || !platforms.IsKnown(input.Platform))
        {
            errors["platform"] = ["platform must be a known platform id."];
        }

        if (string.IsNullOrWhiteSpace(input.Reason))
        {
            errors["reason"] = ["reason is required."];
        }

        if (string.IsNullOrWhiteSpace(input.ContactName) || (string.IsNullOrWhiteSpace(input.ContactPhone) && string.IsNullOrWhiteSpace(input.ContactEmail)))
        {
            errors["contact"] = ["contactName and a contactPhone or contactEmail are required."];
        }

        foreach (var (field, value, max) in new[] { ("reason", input.Reason, 500), ("text", input.Text, 4000), ("companyName", input.CompanyName, 200),
                     ("registrationId", input.RegistrationId, 64), ("contactName", input.ContactName, 200), ("contactEmail", input.ContactEmail, 254), ("contactPhone", input.ContactPhone, 32) })
        {
            if (value is { Length: var length } && length > max)
            {
                errors[field] = [$"{field} must be at most {max} characters."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var label = await store.LabelAsync(number.Value.E164, input.Platform!, cancellationToken);
        if (label?.State != nameof(ObservedState.Labeled))
        {
            return Problems.Unprocessable(
                $"{number.Value.E164} is not labeled on {input.Platform} (last known state: {label?.State ?? nameof(ObservedState.Unknown)}), so there is nothing to appeal.",
                new Dictionary<string, object?> { ["labelState"] = label?.State ?? nameof(ObservedState.Unknown) });
        }

        return await CreateDraftAsync(tenant.Id, new AppealEntity
        {
            Number = number.Value.E164,
            Platform = input.Platform!,
            Reason = input.Reason!.Trim(),
            ContactName = input.ContactName?.Trim(),
            ContactPhone = input.ContactPhone?.Trim(),
            ContactEmail = input.ContactEmail?.Trim(),
            CompanyName = input.CompanyName?.Trim(),
            RegistrationId = input.RegistrationId?.Trim(),
            Text = input.Text,
            LabelText = label.LabelText,
            LabelFirstSeenAt = label.FirstSeenAt,
        }, Actor(input.Actor, tenant), "created", store, routes, clock, cancellationToken);
    }

    public static async Task<Results<Ok<AppealPage>, ValidationProblem>> ListAsync(
        [AsParameters] ListAppealsQuery query, CurrentTenant tenant, AppealStore store, PlatformIdSet platforms, AppealRoutes routes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var parsed = query.Parse(platforms, a => AppealView.IsOverdue(a, routes.For(a.Platform), now));
        if (!parsed.IsValid)
        {
            return parsed.Problem;
        }

        var (items, next) = await store.ListAsync(tenant.Id, parsed.Value.Keep, parsed.Value.PageSize, parsed.Value.After, cancellationToken);
        var (target, _) = await routes.ResponseTargetAsync(tenant.Id, cancellationToken);
        return TypedResults.Ok(new AppealPage(items.Select(a => AppealView.Of(a, [], routes.For(a.Platform), now, target)).ToList(), next));
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem>> GetAsync(
        string id, CurrentTenant tenant, HttpResponse response, AppealStore store, AppealRoutes routes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var appeal = await store.FindAsync(tenant.Id, id, cancellationToken);
        if (appeal is null)
        {
            return NotFound(id);
        }

        response.Headers.ETag = appeal.EntityTag;
        return TypedResults.Ok(await ViewAsync(appeal, store, routes, clock, cancellationToken));
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, UnprocessableProblem, ProblemHttpResult, ValidationProblem>> SubmitAsync(
        string id, [AsParameters] AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant, AppealStore store,
        AppealRoutes routes, AppealSender sender, EmailChannel email, RemediationApiClient api, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new AppealActionRequest(null, null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var appeal = await store.FindAsync(tenant.Id, id, cancellationToken);
        if (appeal is null)
        {
            return NotFound(id);
        }

        var guard = preconditions.Match;
        var why = body.Value.Why ?? "submitted";
        var forced = false;
        AppealChannel? channel = null;
        if (appeal.State == AppealStatus.Draft && (guard is null || guard == "*" || guard == appeal.EntityTag))
        {
            var route = routes.For(appeal.Platform);
            if (await FrequencyProblemAsync(tenant.Id, appeal.Number, appeal.Platform, appeal.Id, route, store, clock, cancellationToken) is { } tooSoon)
            {
                return tooSoon;
            }

            var missing = AppealPacket.MissingOf(appeal, route);
            if (missing.Count > 0 && !body.Value.Force)
            {
                return Problems.Unprocessable(
                    $"{appeal.Platform} requires evidence that is not uploaded yet: {string.Join(", ", missing)}. Upload it (PUT /api/appeals/{id}/evidence/{{kind}}) or submit with force=true.",
                    new Dictionary<string, object?> { ["missingEvidence"] = missing });
            }

            if (ChannelProblem(appeal, route, email, api) is { } notReady)
            {
                return notReady;
            }

            forced = missing.Count > 0;
            why = forced ? $"{why} (force; missing evidence: {string.Join(", ", missing)})" : why;
            channel = route.Channel;
            why = channel == AppealChannel.Portal ? why : $"{why}; sending by {channel} in the background";
            guard ??= appeal.EntityTag; // the checks above hold for this version only
        }

        var changed = await ChangeAsync(id, preconditions with { IfMatch = guard }, request, tenant, store, AppealStatus.Submitted, Actor(body.Value.Actor, tenant), why,
            a => a.Forced = forced, new AppealEffects(
                a => channel is AppealChannel.Email or AppealChannel.Api
                    ? [AppealStore.LastSubmissionRow(a), AppealSender.NewSend(a, channel.Value, clock.GetUtcNow())]
                    : [AppealStore.LastSubmissionRow(a)],
                a => Event(a, EventTypes.AppealSubmitted, "submitted", clock, new JsonObject { ["forced"] = a.Forced, ["ticketNumber"] = a.TicketNumber })),
            routes, clock, cancellationToken);
        if (changed.Result is Ok<AppealView> && channel is AppealChannel.Email or AppealChannel.Api)
        {
            await sender.EnqueueSafelyAsync(tenant.Id, id, cancellationToken);
        }

        return changed.Result switch
        {
            Ok<AppealView> ok => ok,
            NotFoundProblem notFound => notFound,
            ConflictProblem conflict => conflict,
            ValidationProblem invalid => invalid,
            var other => (ProblemHttpResult)other,
        };
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ProblemHttpResult, ValidationProblem>> WithdrawAsync(
        string id, [AsParameters] AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant, AppealStore store,
        AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new AppealActionRequest(null, null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        return await ChangeAsync(id, preconditions, request, tenant, store, AppealStatus.Withdrawn, Actor(body.Value.Actor, tenant),
            body.Value.Why ?? "withdrawn", _ => { }, AppealEffects.None, routes, clock, cancellationToken);
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        string id, [AsParameters] AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant, AppealStore store,
        AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<AppealUpdateRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var parsed = ParseUpdate(body.Value);
        if (!parsed.IsValid)
        {
            return parsed.Problem;
        }

        var (outcome, appeal) = await ApplyUpdateAsync(store, tenant.Id, id, preconditions.Match, parsed.Value, Actor(body.Value.Actor, tenant), clock, null, cancellationToken);
        return await ResultOfAsync(outcome, appeal, id, parsed.Value.To, request, store, routes, clock, cancellationToken);
    }

    /// <summary>Reads what a platform said (status InReview, Rejected with a reason, Removed, or a note) into the change it makes.</summary>
    public static Validated<PlatformUpdate> ParseUpdate(AppealUpdateRequest update)
    {
        AppealStatus? to;
        string why;
        switch (update.Status?.Trim())
        {
            case null or "":
                to = null;
                why = "note";
                break;
            case nameof(AppealStatus.InReview):
                to = AppealStatus.InReview;
                why = "platform is reviewing";
                break;
            case nameof(AppealStatus.Rejected) when string.IsNullOrWhiteSpace(update.Reason):
                return Problems.Invalid("reason", "A rejection needs the platform's reason.");
            case nameof(AppealStatus.Rejected):
                to = AppealStatus.Rejected;
                why = "rejected: " + update.Reason!.Trim();
                break;
            case "Removed":
                // The platform's word is not proof: the appeal stays open until lookups verify the label is gone.
                to = null;
                why = "platform says removed; awaiting verification by lookups";
                break;
            default:
                return Problems.Invalid("status", "status must be InReview, Rejected or Removed (or omitted for a note).");
        }

        if (update.Note is { Length: > 2000 } || update.TicketNumber is { Length: > 100 } || update.Reason is { Length: > 1000 })
        {
            return Problems.Invalid("note", "note is at most 2000, ticketNumber 100 and reason 1000 characters.");
        }

        return new PlatformUpdate(to, why, update.Reason?.Trim(), update.Note, update.TicketNumber, update.Status?.Trim() == "Removed");
    }

    /// <summary>
    /// Applies a platform's update: the transition (InReview, Rejected) with its event, or a note; the ticket number and reason. Used by
    /// <c>/updates</c> and by the Api channel, so a vendor's answer takes exactly the path an operator's does (never Resolved).
    /// </summary>
    public static Task<(AppealWriteOutcome Outcome, AppealEntity? Appeal)> ApplyUpdateAsync(
        AppealStore store, string tenantId, string id, string? ifMatch, PlatformUpdate update, string actor, TimeProvider clock,
        Func<AppealEntity, IEnumerable<ITableEntity>>? rows, CancellationToken cancellationToken) =>
        store.ChangeAsync(tenantId, id, ifMatch, update.To, actor, update.Why, a =>
        {
            a.Note = update.Note ?? (update.Removed ? update.Why : a.Note);
            a.TicketNumber = update.TicketNumber ?? a.TicketNumber;
            a.RejectionReason = update.To == AppealStatus.Rejected ? update.Reason : a.RejectionReason;
        }, new AppealEffects(rows, update.To == AppealStatus.Rejected
            ? a => Event(a, EventTypes.AppealRejected, "rejected", clock, new JsonObject { ["reason"] = a.RejectionReason, ["ticketNumber"] = a.TicketNumber })
            : null), cancellationToken);

    public static async Task<Results<NoContent, NotFoundProblem, ConflictProblem, ProblemHttpResult>> DeleteAsync(
        string id, [AsParameters] AppealPreconditions preconditions, CurrentTenant tenant, AppealStore store, CancellationToken cancellationToken)
    {
        var (outcome, appeal, usedBy) = await store.DeleteAsync(tenant.Id, id, preconditions.Match, cancellationToken);
        return outcome switch
        {
            AppealWriteOutcome.NotFound => NotFound(id),
            AppealWriteOutcome.PreconditionFailed => Problems.PreconditionFailed($"Appeal {id} has changed (current ETag {appeal?.EntityTag})."),
            AppealWriteOutcome.InvalidTransition => Problems.Conflict(
                $"Appeal {id} is {appeal!.Status} with the platform; withdraw it (POST /api/appeals/{id}/withdraw) before deleting it.",
                new Dictionary<string, object?> { ["appealStatus"] = appeal.Status }),
            AppealWriteOutcome.InUse => Problems.Conflict(
                $"The evidence of appeal {id} is attached to follow-up appeal(s) {string.Join(", ", usedBy)}; delete those first.",
                new Dictionary<string, object?> { ["usedBy"] = usedBy }),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<Results<Created<AppealView>, NotFoundProblem, ConflictProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>> ReopenAsync(
        string id, HttpRequest request, CurrentTenant tenant, AppealStore store, AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new AppealActionRequest(null, null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var old = await store.FindAsync(tenant.Id, id, cancellationToken);
        if (old is null)
        {
            return NotFound(id);
        }

        if (old.State != AppealStatus.Rejected)
        {
            return Problems.Unprocessable($"Only a Rejected appeal can be re-opened; this one is {old.Status}.");
        }

        return await CreateDraftAsync(tenant.Id, new AppealEntity
        {
            Number = old.Number,
            Platform = old.Platform,
            Reason = old.Reason,
            ContactName = old.ContactName,
            ContactPhone = old.ContactPhone,
            ContactEmail = old.ContactEmail,
            CompanyName = old.CompanyName,
            RegistrationId = old.RegistrationId,
            Text = old.Text,
            LabelText = old.LabelText,
            LabelFirstSeenAt = old.LabelFirstSeenAt,
            ReopenedFrom = old.Id,
        }, Actor(body.Value.Actor, tenant), body.Value.Why ?? $"re-opened from {old.Id}", store, routes, clock, cancellationToken);
    }

    private static async Task<Results<Created<AppealView>, NotFoundProblem, ConflictProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>> CreateDraftAsync(
        string tenantId, AppealEntity draft, string actor, string why, AppealStore store, AppealRoutes routes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await FrequencyProblemAsync(tenantId, draft.Number, draft.Platform, null, routes.For(draft.Platform), store, clock, cancellationToken) is { } tooSoon)
        {
            return tooSoon;
        }

        var (outcome, appeal) = await store.CreateAsync(tenantId, draft, actor, why, cancellationToken);
        if (outcome == AppealWriteOutcome.AlreadyOpen)
        {
            var openId = await store.OpenAppealIdAsync(tenantId, draft.Number, draft.Platform, cancellationToken);
            return Problems.Conflict($"An appeal for {draft.Number} on {draft.Platform} is already open ({openId}).",
                new Dictionary<string, object?> { ["openAppealId"] = openId });
        }

        return TypedResults.Created(LocationOf(appeal.Id), await ViewAsync(appeal, store, routes, clock, cancellationToken));
    }

    private static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ProblemHttpResult, ValidationProblem>> ChangeAsync(
        string id, AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant, AppealStore store, AppealStatus? to,
        string actor, string why, Action<AppealEntity> change, AppealEffects effects, AppealRoutes routes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (outcome, appeal) = await store.ChangeAsync(tenant.Id, id, preconditions.Match, to, actor, why, change, effects, cancellationToken);
        return await ResultOfAsync(outcome, appeal, id, to, request, store, routes, clock, cancellationToken);
    }

    private static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ProblemHttpResult, ValidationProblem>> ResultOfAsync(
        AppealWriteOutcome outcome, AppealEntity? appeal, string id, AppealStatus? to, HttpRequest request, AppealStore store, AppealRoutes routes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case AppealWriteOutcome.NotFound:
                return NotFound(id);
            case AppealWriteOutcome.PreconditionFailed:
                return Problems.PreconditionFailed($"Appeal {id} has changed (current ETag {appeal?.EntityTag}).");
            case AppealWriteOutcome.InvalidTransition:
                return Problems.Conflict($"Appeal {id} is {appeal!.Status}; it cannot become {to}.",
                    new Dictionary<string, object?> { ["appealStatus"] = appeal.Status });
        }

        request.HttpContext.Response.Headers.ETag = appeal!.EntityTag;
        return TypedResults.Ok(await ViewAsync(appeal, store, routes, clock, cancellationToken));
    }

    /// <summary>The appeal with its transitions and its packet (checklist, text, next allowed appeal).</summary>
    public static async Task<AppealView> ViewAsync(AppealEntity appeal, AppealStore store, AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var route = routes.For(appeal.Platform);
        var last = appeal.SubmittedAt is null ? await store.LastSubmissionAsync(appeal.PartitionKey, appeal.Number, appeal.Platform, cancellationToken) : null;
        var send = appeal.SubmittedAt is null ? null : await store.SendAsync(appeal.PartitionKey, appeal.Id, cancellationToken);
        return AppealView.Of(appeal, await store.TransitionsAsync(appeal.PartitionKey, appeal.Id, cancellationToken), route, clock.GetUtcNow(),
            (await routes.ResponseTargetAsync(appeal.PartitionKey, cancellationToken)).Target, AppealPacket.For(appeal, route, last?.SubmittedAt)) with { Send = AppealSendView.Of(send) };
    }

    /// <summary>
    /// 409 when the route's channel cannot send (email not configured, no address or ApiUrl, the API secret's setting missing): a submit
    /// that silently sends nothing would leave the operator believing it was filed. 422 when the evidence is beyond ACS's size limit.
    /// </summary>
    private static readonly long EmailLimit = new EmailClientOptions().MaxMessageBytes;

    private static ProblemHttpResult? ChannelProblem(AppealEntity appeal, AppealRoute route, EmailChannel email, RemediationApiClient api)
    {
        string? problem = null;
        switch (route.Channel)
        {
            case AppealChannel.Email when email.Client is null || string.IsNullOrWhiteSpace(email.SenderAddress):
                problem = $"The appeal route of {appeal.Platform} sends by email, but email is not configured (set {EmailOptions.Section}:Endpoint or {EmailOptions.Section}:ConnectionString, and {EmailOptions.Section}:SenderAddress).";
                break;
            case AppealChannel.Email when route.EmailAddress is null:
                problem = $"The appeal route of {appeal.Platform} sends by email but has no emailAddress.";
                break;
            case AppealChannel.Email when AppealEmail.EstimatedBytes(appeal) > EmailLimit:
                return Problems.Problem(StatusCodes.Status422UnprocessableEntity, "Unprocessable",
                    $"The evidence of appeal {appeal.Id} is about {AppealEmail.EstimatedBytes(appeal)} bytes as an email (base64); ACS Email accepts at most {EmailLimit}. Replace large files with smaller scans.",
                    new Dictionary<string, object?> { ["estimatedBytes"] = AppealEmail.EstimatedBytes(appeal), ["limitBytes"] = EmailLimit });
            case AppealChannel.Api when route.ApiUrl is null:
                problem = $"The appeal route of {appeal.Platform} sends to a remediation API but has no apiUrl.";
                break;
            case AppealChannel.Api when api.Secret(route).Problem is { } secret:
                problem = $"The appeal route of {appeal.Platform} cannot authenticate to its remediation API: {secret}.";
                break;
        }

        return problem is null
            ? null
            : Problems.Problem(StatusCodes.Status409Conflict, "Conflict",
                $"{problem} Fix the configuration, or make the route a Portal route (PUT /api/platforms/{appeal.Platform}/appeal-route) and file it by hand.",
                new Dictionary<string, object?> { ["channel"] = route.Channel.ToString(), ["appealStatus"] = appeal.Status });
    }

    /// <summary>409 naming when the next appeal is allowed, if another appeal of the number was submitted within the platform's limit.</summary>
    private static async Task<ConflictProblem?> FrequencyProblemAsync(
        string tenantId, string number, string platform, string? self, AppealRoute route, AppealStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (route.FrequencyLimitDays is not { } days || await store.LastSubmissionAsync(tenantId, number, platform, cancellationToken) is not { } last
            || last.AppealId == self)
        {
            return null;
        }

        var next = last.SubmittedAt.AddDays(days);
        return next <= clock.GetUtcNow()
            ? null
            : Problems.Conflict(
                $"{platform} accepts one appeal per number every {days} days; {number} was appealed there at {last.SubmittedAt:O} (appeal {last.AppealId}). The next appeal is allowed from {next:O}.",
                new Dictionary<string, object?> { ["nextAllowedAt"] = next, ["lastAppealId"] = last.AppealId, ["frequencyLimitDays"] = days });
    }

    /// <summary>An appeal event with the stable id <c>appeal-{id}-{what}</c>, so a retried publish is deduplicated.</summary>
    public static NotificationEvent Event(AppealEntity a, string type, string what, TimeProvider clock, JsonObject data)
    {
        data["appealId"] = a.Id;
        data["status"] = a.Status;
        return new NotificationEvent(NotificationEvent.CurrentVersion, $"appeal-{a.Id}-{what}", type, clock.GetUtcNow(), a.Number, a.PartitionKey, a.Platform, null, data);
    }

    private static string Actor(string? actor, CurrentTenant tenant) =>
        string.IsNullOrWhiteSpace(actor) ? "tenant:" + tenant.Id : Display.Shorten(actor.Trim());

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"Appeal '{Display.Shorten(id)}' does not exist.");

    private static string LocationOf(string id) => ApiRoutes.PathOf("appeals/" + id);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>The labels route's id.</summary>
public sealed record DisplayLabelRoute(string LabelId);

/// <summary>
/// What callers should see: <c>PUT/GET/DELETE /api/numbers/{number}/expectations/{platform}</c> and the planned display labels
/// <c>POST/GET /api/numbers/{number}/display-labels</c>, <c>DELETE .../display-labels/{labelId}</c>.
/// </summary>
public static class ExpectationsApi
{
    public static RouteGroupBuilder MapExpectations(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        group.MapPut(ApiRoutes.NumberExpectation, PutAsync).WithName(FunctionNames.PutExpectation)
            .WithSummary("Record what callers should see for a number on a platform (display name, certification provider and expiry). Scans compare the platform's displayed identity with it and raise upkeep.display_mismatch once per episode. Honours If-Match.")
            .AcceptsJson<ExpectationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet(ApiRoutes.NumberExpectation, GetAsync).WithName(FunctionNames.GetExpectation)
            .WithSummary("An expectation with the identity the platform last showed and the open mismatch, if any.");
        group.MapDelete(ApiRoutes.NumberExpectation, DeleteAsync).WithName(FunctionNames.DeleteExpectation)
            .WithSummary("Stop comparing a platform's display with an expectation (and its certification reminders). Honours If-Match.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost(ApiRoutes.NumberDisplayLabels, CreateLabelAsync).WithName(FunctionNames.CreateDisplayLabel)
            .WithSummary("Plan a display label (a campaign name) for a window of days: upkeep.display_label_reminder 7 days before the start and after the end; during the window the label is the expected display name.")
            .AcceptsJson<PlannedLabelRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet(ApiRoutes.NumberDisplayLabels, ListLabelsAsync).WithName(FunctionNames.ListDisplayLabels)
            .WithSummary("The planned display labels of a number.");
        group.MapDelete(ApiRoutes.NumberDisplayLabel, DeleteLabelAsync).WithName(FunctionNames.DeleteDisplayLabel)
            .WithSummary("Delete a planned display label; its reminders that have not gone out never will.");
        return api;
    }

    public static async Task<Results<Ok<ExpectationView>, Created<ExpectationView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        [AsParameters] NumberRoute route, [AsParameters] PlatformRoute platformRoute, [AsParameters] WritePreconditions preconditions, HttpRequest request,
        CurrentTenant tenant, NumberStore numbers, PlatformIdSet platforms, ExpectationStore store, IdentityObserver identities, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var platform = platformRoute.Parse(platforms);
        if (!platform.IsValid)
        {
            return platform.Problem;
        }

        var body = await HttpBody.ReadJsonAsync(request, new ExpectationRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var input = (body.Value ?? new ExpectationRequest()).Parse();
        if (!input.IsValid)
        {
            return input.Problem;
        }

        if (await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var (outcome, entity) = await store.SaveAsync(tenant.Id, number.Value.E164, platform.Value, input.Value, preconditions.Match, time.GetUtcNow(), cancellationToken);
        if (outcome == SaveOutcome.PreconditionFailed)
        {
            return Problems.PreconditionFailed(entity is null
                ? $"No expectation for {number.Value.E164} on {platform.Value}, so If-Match cannot match."
                : $"The expectation for {number.Value.E164} on {platform.Value} has changed (current ETag {entity.EntityTag}).");
        }

        request.HttpContext.Response.Headers.ETag = entity!.EntityTag;
        var view = ExpectationView.Of(entity, await ShownAsync(identities, entity, cancellationToken));
        return outcome == SaveOutcome.Created
            ? TypedResults.Created(ApiRoutes.PathOf($"numbers/{number.Value.E164}/expectations/{platform.Value}"), view)
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ExpectationView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] NumberRoute route, [AsParameters] PlatformRoute platformRoute, HttpResponse response, CurrentTenant tenant,
        PlatformIdSet platforms, ExpectationStore store, IdentityObserver identities, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var platform = platformRoute.Parse(platforms);
        if (!platform.IsValid)
        {
            return platform.Problem;
        }

        var entity = await store.FindAsync(tenant.Id, number.Value.E164, platform.Value, cancellationToken);
        if (entity is null)
        {
            return Problems.NotFound($"No expectation for {number.Value.E164} on {platform.Value}.");
        }

        response.Headers.ETag = entity.EntityTag;
        return TypedResults.Ok(ExpectationView.Of(entity, await ShownAsync(identities, entity, cancellationToken)));
    }

    public static async Task<Results<NoContent, NotFoundProblem, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        [AsParameters] NumberRoute route, [AsParameters] PlatformRoute platformRoute, [AsParameters] WritePreconditions preconditions,
        CurrentTenant tenant, PlatformIdSet platforms, ExpectationStore store, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var platform = platformRoute.Parse(platforms);
        if (!platform.IsValid)
        {
            return platform.Problem;
        }

        return await store.DeleteAsync(tenant.Id, number.Value.E164, platform.Value, preconditions.Match, cancellationToken) switch
        {
            null => Problems.NotFound($"No expectation for {number.Value.E164} on {platform.Value}."),
            SaveOutcome.PreconditionFailed => Problems.PreconditionFailed("The expectation has changed since it was read."),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<Results<Created<PlannedLabelView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> CreateLabelAsync(
        [AsParameters] NumberRoute route, HttpRequest request, CurrentTenant tenant, NumberStore numbers, PlatformIdSet platforms,
        ExpectationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var body = await HttpBody.ReadJsonAsync(request, new PlannedLabelRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var input = (body.Value ?? new PlannedLabelRequest()).Parse(platforms);
        if (!input.IsValid)
        {
            return input.Problem;
        }

        if (await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var (platform, label, start, end) = input.Value;
        var now = time.GetUtcNow();
        // Version 7 ids start with the creation time, so a number's labels list in creation order.
        var id = Guid.CreateVersion7(now).ToString("N")[..20];
        var entity = await store.AddLabelAsync(new PlannedLabelEntity
        {
            PartitionKey = tenant.Id,
            RowKey = number.Value.E164 + "|" + id,
            Id = id,
            Number = number.Value.E164,
            Platform = platform,
            Label = label,
            Start = DayRange.Text(start),
            End = DayRange.Text(end),
            CreatedAt = now,
        }, cancellationToken);
        return TypedResults.Created(ApiRoutes.PathOf($"numbers/{number.Value.E164}/display-labels/{id}"), PlannedLabelView.Of(entity));
    }

    public static async Task<Results<Ok<PlannedLabelList>, NotFoundProblem, ValidationProblem>> ListLabelsAsync(
        [AsParameters] NumberRoute route, CurrentTenant tenant, NumberStore numbers, ExpectationStore store, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        if (await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var labels = await store.LabelsAsync(tenant.Id, number.Value.E164, cancellationToken);
        return TypedResults.Ok(new PlannedLabelList(number.Value.E164, labels.Select(PlannedLabelView.Of).ToList()));
    }

    public static async Task<Results<NoContent, NotFoundProblem, ValidationProblem>> DeleteLabelAsync(
        [AsParameters] NumberRoute route, [AsParameters] DisplayLabelRoute labelRoute, CurrentTenant tenant, ExpectationStore store,
        CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        if (labelRoute.LabelId is not { Length: > 0 and <= 64 } id || !id.All(char.IsAsciiLetterOrDigit))
        {
            return Problems.Invalid("labelId", $"'{Display.Shorten(labelRoute.LabelId)}' is not a display label id.");
        }

        return await store.DeleteLabelAsync(tenant.Id, number.Value.E164, id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No display label {id} for {number.Value.E164}.");
    }

    private static async Task<DisplayedIdentity?> ShownAsync(IdentityObserver identities, ExpectationEntity entity, CancellationToken cancellationToken) =>
        (await identities.CurrentAsync(entity.Number, cancellationToken)).GetValueOrDefault(entity.Platform);
}

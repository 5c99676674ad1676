using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

/// <summary>The number registry's HTTP surface: registrations, their label status, CSV import and label history.</summary>
public static class NumbersApi
{
    public static RouteGroupBuilder MapNumbers(this RouteGroupBuilder api)
    {
        var numbers = api.MapGroup("").WithTags("Numbers").RequireTenant();
        numbers.MapPut(ApiRoutes.Number, PutAsync).WithName(FunctionNames.PutNumber)
            .WithSummary("Register a number or replace its registration (idempotent). Honours If-Match and If-None-Match: *.")
            .AcceptsJson<RegisterNumberRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        numbers.MapGet(ApiRoutes.Number, GetAsync).WithName(FunctionNames.GetNumber)
            .WithSummary("A registration with the number's label status per platform.");
        numbers.MapGet(ApiRoutes.Numbers, ListAsync).WithName(FunctionNames.ListNumbers)
            .WithSummary("The tenant's registrations in E.164 order, paged with continuation tokens.");
        numbers.MapDelete(ApiRoutes.Number, DeleteAsync).WithName(FunctionNames.DeleteNumber)
            .WithSummary("Remove the tenant's registration of a number. Honours If-Match.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        numbers.MapPost(ApiRoutes.NumbersImport, ImportApi.ImportAsync).WithName(FunctionNames.ImportNumbers)
            .WithSummary($"Register numbers from a UTF-8 CSV (header: number, displayName, department, tags, cadence, platforms, region); at most {ImportApi.MaxRows} rows and {HttpBody.MaxCsvBytes} bytes.")
            .AcceptsBody<string>("text/csv", "application/csv", "text/plain");
        numbers.MapGet(ApiRoutes.NumberHistory, HistoryApi.GetAsync).WithName(FunctionNames.GetNumberHistory)
            .WithSummary("Label changes of a number, newest first.");
        return api;
    }

    public static async Task<Results<Ok<NumberView>, Created<NumberView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        [AsParameters] NumberRoute route, [AsParameters] WritePreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        NumberStore store, PlatformIdSet platforms, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var body = await HttpBody.ReadJsonAsync(request, new RegisterNumberRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var (input, errors) = RegistrationInput.From(body.Value, platforms);
        if (input is null)
        {
            return Problems.Invalid(errors);
        }

        var (outcome, entity) = await store.SaveAsync(tenant.Id, number.Value, input, preconditions.Match, preconditions.CreateOnly, cancellationToken);
        if (outcome == SaveOutcome.PreconditionFailed)
        {
            return Problems.PreconditionFailed(entity is null
                ? $"{number.Value.E164} is not registered, so If-Match cannot match."
                : $"{number.Value.E164} has changed (current ETag {entity.EntityTag}).");
        }

        request.HttpContext.Response.Headers.ETag = entity!.EntityTag;
        var view = ToView(entity, [], number.Value);
        return outcome == SaveOutcome.Created
            ? TypedResults.Created(ApiRoutes.PathOf(ApiRoutes.Numbers + "/" + number.Value.E164), view)
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<NumberView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] NumberRoute route, CurrentTenant tenant, HttpResponse response, NumberStore store, PlatformSelection selection,
        TrustScorer scorer, ILabelSeverity severity, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        // One point read: the status row holds every platform's state and the tenant's copy of its registration. Without a
        // usable copy (a write in progress, a number with very many watchers, a number never registered) the registration row decides.
        var row = await store.StatusAsync(number.Value.E164, cancellationToken);
        var entity = row is null ? null : RegistrationCopy.Registration(row, tenant.Id, number.Value.E164);
        entity ??= await store.FindAsync(tenant.Id, number.Value.E164, cancellationToken);
        if (entity is null)
        {
            return NotRegistered(number.Value);
        }

        var labels = row is null
            ? []
            : selection.ToShow(number.Value, entity.PlatformList).Select(p => NumberStatusRow.ViewOf(row, p)).OfType<LabelStatusView>().ToList();
        var labeled = labels.Where(l => l.State == nameof(ObservedState.Labeled)).ToList();
        var view = ToView(entity, labels, number.Value) with
        {
            Labeled = labeled.Count > 0,
            WorstCategory = labeled.Count == 0 ? null : labeled.MaxBy(l => severity.Rank(l.Category))!.Category,
            LabeledPlatforms = labeled.Select(l => l.Platform).ToList(),
            TrustScore = scorer.Score(labeled.Select(l => (l.Platform, l.Category ?? "Other", l.Severity))),
        };
        response.Headers.ETag = entity.EntityTag;
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<NumberPage>, ValidationProblem>> ListAsync(
        [AsParameters] ListNumbersQuery query, CurrentTenant tenant, NumberStore store, PlatformIdSet platforms, CancellationToken cancellationToken)
    {
        var criteria = query.Parse(platforms);
        if (!criteria.IsValid)
        {
            return criteria.Problem;
        }

        var (filter, pageSize, after) = criteria.Value;
        var (items, lastKey) = await store.ListAsync(tenant.Id, after, filter, pageSize, cancellationToken);
        return TypedResults.Ok(new NumberPage(items.Select(e => ToView(e, [])).ToList(), lastKey is null ? null : NumberStore.EncodeToken(lastKey)));
    }

    public static async Task<Results<NoContent, NotFoundProblem, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        [AsParameters] NumberRoute route, [AsParameters] WritePreconditions preconditions, CurrentTenant tenant, NumberStore store,
        CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var outcome = await store.DeleteAsync(tenant.Id, number.Value.E164, preconditions.Match, cancellationToken);
        return outcome switch
        {
            null => NotRegistered(number.Value),
            SaveOutcome.PreconditionFailed => Problems.PreconditionFailed($"{number.Value.E164} has changed since it was read."),
            _ => TypedResults.NoContent(),
        };
    }

    public static NotFoundProblem NotRegistered(CanonicalNumber number) => Problems.NotFound($"{number.E164} is not registered.");

    /// <param name="number">The registration's number when the caller has parsed it already (saves parsing the stored key again).</param>
    internal static NumberView ToView(RegistrationEntity entity, IReadOnlyList<LabelStatusView> labels, CanonicalNumber? number = null)
    {
        var canonical = number is { } parsed && parsed.E164 == entity.RowKey && parsed.Type.ToString() == entity.NumberType ? parsed : entity.Number();
        return new NumberView(
            entity.RowKey,
            NumberParser.FormatInternational(canonical),
            entity.Region,
            canonical.Type,
            entity.DisplayName,
            entity.Department,
            entity.TagList,
            Enum.TryParse<MonitoringCadence>(entity.Cadence, out var cadence) ? cadence : MonitoringCadence.Auto,
            entity.PlatformList,
            entity.CreatedAt,
            entity.UpdatedAt,
            entity.Labeled,
            entity.WorstCategory,
            entity.LabeledPlatforms is null ? [] : JsonSerializer.Deserialize<string[]>(entity.LabeledPlatforms) ?? [],
            null,
            labels);
    }
}

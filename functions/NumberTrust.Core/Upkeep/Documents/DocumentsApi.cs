using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Reminders;

namespace NumberTrust.Upkeep.Documents;

/// <summary>Qualification documents and their expiry: <c>POST/GET /api/documents</c>, <c>GET/PUT/DELETE /api/documents/{documentId}</c>.</summary>
public static class DocumentsApi
{
    public static RouteGroupBuilder MapDocuments(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        group.MapPost(ApiRoutes.Documents, CreateAsync).WithName(FunctionNames.CreateDocument)
            .WithSummary("Record a qualification document (business licence, industry permit, practitioner certificate, ...), of the tenant or of one number. upkeep.document_expiring goes out 30 and 7 days before expiry and on the day.")
            .AcceptsJson<DocumentRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet(ApiRoutes.Documents, ListAsync).WithName(FunctionNames.ListDocuments)
            .WithSummary("The tenant's documents in expiry order, optionally of one number or expiring by a day.");
        group.MapGet(ApiRoutes.Document, GetAsync).WithName(FunctionNames.GetDocument)
            .WithSummary("One document.");
        group.MapPut(ApiRoutes.Document, PutAsync).WithName(FunctionNames.PutDocument)
            .WithSummary("Replace a document (a renewal moves its expiry; thresholds still ahead of the new date are armed again). Honours If-Match.")
            .AcceptsJson<DocumentRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete(ApiRoutes.Document, DeleteAsync).WithName(FunctionNames.DeleteDocument)
            .WithSummary("Delete a document; no reminder goes out for it any more. Honours If-Match.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return api;
    }

    public static async Task<Results<Created<DocumentView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, CurrentTenant tenant, NumberStore numbers, TenantStore tenants, DocumentStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var input = await ReadAsync(request, tenant, numbers, cancellationToken);
        if (input.Body is { } body)
        {
            return body;
        }

        if (input.Invalid is { } invalid)
        {
            return invalid;
        }

        if (input.NotRegistered is { } notRegistered)
        {
            return notRegistered;
        }

        var now = time.GetUtcNow();
        var entity = await store.AddAsync(tenant.Id, input.Input!, now, cancellationToken);
        request.HttpContext.Response.Headers.ETag = entity.EntityTag;
        var today = await TenantDay.TodayAsync(tenants, tenant.Id, now, cancellationToken);
        return TypedResults.Created(ApiRoutes.PathOf(ApiRoutes.Documents + "/" + entity.RowKey), DocumentView.Of(entity, today));
    }

    public static async Task<Results<Ok<DocumentList>, ValidationProblem>> ListAsync(
        [AsParameters] DocumentListQuery query, CurrentTenant tenant, TenantStore tenants, DocumentStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        string? number = null;
        if (!string.IsNullOrWhiteSpace(query.Number))
        {
            var parsed = NumberParser.Parse(query.Number, tenant.DefaultRegion);
            if (parsed.Number is not { } canonical)
            {
                return Problems.Invalid("number", parsed.Error!);
            }

            number = canonical.E164;
        }

        DateOnly? before = null;
        if (query.ExpiresBefore is { } text)
        {
            if (!DayRange.TryDay(text, out var day))
            {
                return Problems.Invalid("expires-before", $"'{Display.Shorten(text)}' is not a date (yyyy-MM-dd).");
            }

            before = day;
        }

        var today = await TenantDay.TodayAsync(tenants, tenant.Id, time.GetUtcNow(), cancellationToken);
        var items = new List<DocumentView>();
        await foreach (var entity in store.ListAsync(tenant.Id, cancellationToken))
        {
            if ((number is null || entity.Number == number) && (before is null || UpkeepInput.Parse(entity.Expires) <= before))
            {
                items.Add(DocumentView.Of(entity, today));
            }
        }

        return TypedResults.Ok(new DocumentList(items.OrderBy(d => d.Expires, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal).ToList()));
    }

    public static async Task<Results<Ok<DocumentView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] DocumentRoute route, HttpResponse response, CurrentTenant tenant, TenantStore tenants, DocumentStore store, TimeProvider time,
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
        return TypedResults.Ok(DocumentView.Of(entity, await TenantDay.TodayAsync(tenants, tenant.Id, time.GetUtcNow(), cancellationToken)));
    }

    public static async Task<Results<Ok<DocumentView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        [AsParameters] DocumentRoute route, [AsParameters] WritePreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        NumberStore numbers, TenantStore tenants, DocumentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        var input = await ReadAsync(request, tenant, numbers, cancellationToken);
        if (input.Body is { } body)
        {
            return body;
        }

        if (input.Invalid is { } invalid)
        {
            return invalid;
        }

        if (input.NotRegistered is { } notRegistered)
        {
            return notRegistered;
        }

        var now = time.GetUtcNow();
        var saved = await store.ReplaceAsync(tenant.Id, id.Value, input.Input!, preconditions.Match, now, cancellationToken);
        if (saved is not { } result)
        {
            return NotFound(id.Value);
        }

        if (result.Outcome == SaveOutcome.PreconditionFailed)
        {
            return Problems.PreconditionFailed($"Document {id.Value} has changed (current ETag {result.Entity?.EntityTag}).");
        }

        request.HttpContext.Response.Headers.ETag = result.Entity!.EntityTag;
        return TypedResults.Ok(DocumentView.Of(result.Entity, await TenantDay.TodayAsync(tenants, tenant.Id, now, cancellationToken)));
    }

    public static async Task<Results<NoContent, NotFoundProblem, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        [AsParameters] DocumentRoute route, [AsParameters] WritePreconditions preconditions, CurrentTenant tenant, DocumentStore store,
        CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        return await store.DeleteAsync(tenant.Id, id.Value, preconditions.Match, cancellationToken) switch
        {
            null => NotFound(id.Value),
            SaveOutcome.PreconditionFailed => Problems.PreconditionFailed($"Document {id.Value} has changed since it was read."),
            _ => TypedResults.NoContent(),
        };
    }

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"No document {id}.");

    /// <summary>The checked body, or the problem: the body's own (size, syntax), its fields', or a number the tenant has not registered.</summary>
    private sealed record DocumentRead(DocumentInput? Input, ProblemHttpResult? Body = null, ValidationProblem? Invalid = null, NotFoundProblem? NotRegistered = null);

    private static async Task<DocumentRead> ReadAsync(HttpRequest request, CurrentTenant tenant, NumberStore numbers, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new DocumentRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return new(null, Body: body.Problem);
        }

        var input = (body.Value ?? new DocumentRequest()).Parse(tenant);
        if (!input.IsValid)
        {
            return new(null, Invalid: input.Problem);
        }

        if (input.Value.Number is { } number && await numbers.FindAsync(tenant.Id, number.E164, cancellationToken) is null)
        {
            return new(null, NotRegistered: NumbersApi.NotRegistered(number));
        }

        return new(input.Value);
    }
}

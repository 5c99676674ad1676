using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Reminders;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>A task as the API shows it; <see cref="Overdue"/> counts from the tenant's today.</summary>
public sealed record UpkeepTaskView(
    string Id, string Number, string Kind, string Period, string Due, string DueOn, string Status, bool Overdue, string? Reason,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? CompletedBy, string? Note, int SnoozeCount, string? SummaryText,
    JsonElement? Summary)
{
    public static UpkeepTaskView Of(UpkeepTaskEntity e, DateOnly today) => new(
        e.RowKey, e.Number, e.Kind, e.Period, e.Due, e.DueOn, e.Status, UpkeepTaskPlanner.IsOverdue(e, today), e.Reason, e.CreatedAt, e.CompletedAt,
        e.CompletedBy, e.Note, e.SnoozeCount, e.SummaryText, e.Summary is { Length: > 0 } json ? JsonDocument.Parse(json).RootElement.Clone() : null);
}

/// <summary>A page of tasks in period order.</summary>
public sealed record UpkeepTaskPage(IReadOnlyList<UpkeepTaskView> Items, string? ContinuationToken);

/// <summary>Query of <c>GET /api/upkeep/tasks</c>.</summary>
public sealed record UpkeepTaskQuery(
    [FromQuery(Name = "due-before")] [property: Description("Only tasks due (or snoozed until) before this day (yyyy-MM-dd).")] string? DueBefore,
    [FromQuery(Name = "status")] [property: Description("open, snoozed or completed.")] string? Status,
    [FromQuery(Name = "number")] [property: Description("Only the tasks of this number (any format).")] string? Number,
    [FromQuery(Name = "pageSize")] [property: Description("Tasks per page, 1 to 200 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken)
{
    public const string TokenTag = "t1";

    public Validated<(string? DueBefore, string? Status, string? Number, int PageSize, string? After)> Parse(CurrentTenant tenant)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? dueBefore = null;
        if (DueBefore is { } text)
        {
            if (DayRange.TryDay(text, out var day))
            {
                dueBefore = DayRange.Text(day);
            }
            else
            {
                errors["due-before"] = [$"'{Display.Shorten(text)}' is not a date (yyyy-MM-dd)."];
            }
        }

        var status = Status?.Trim().ToLowerInvariant();
        if (status is not (null or UpkeepTaskEntity.Open or UpkeepTaskEntity.Snoozed or UpkeepTaskEntity.Completed))
        {
            errors["status"] = ["status must be open, snoozed or completed."];
        }

        string? number = null;
        if (!string.IsNullOrWhiteSpace(Number))
        {
            var parsed = NumberParser.Parse(Number, tenant.DefaultRegion);
            if (parsed.Number is { } canonical)
            {
                number = canonical.E164;
            }
            else
            {
                errors["number"] = [parsed.Error!];
            }
        }

        var pageSize = 50;
        if (PageSize is { } size && (!int.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 200))
        {
            errors["pageSize"] = ["pageSize must be a whole number from 1 to 200."];
        }

        string? after = null;
        if (ContinuationToken is { } token && (!PageTokens.TryDecode(token, TokenTag, 200, out after) || !UpkeepTaskRoute.IsId(after)))
        {
            errors["continuationToken"] = ["The continuation token is not one this API issued."];
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : (dueBefore, status, number, pageSize, after);
    }
}

/// <summary>Route of one task.</summary>
public sealed record UpkeepTaskRoute(string TaskId)
{
    public static bool IsId(string id) => id is { Length: > 0 and <= 40 } && id.All(c => char.IsAsciiDigit(c) || c is '-' or 'w' or 'q' or 'y');

    public Validated<string> Parse() =>
        IsId(TaskId) ? TaskId : Problems.Invalid("taskId", $"'{Display.Shorten(TaskId)}' is not a task id.");
}

/// <summary>Body of <c>POST /api/upkeep/tasks/{taskId}/complete</c>.</summary>
public sealed record CompleteTaskRequest([property: Description("What was done (optional, at most 500 characters).")] string? Note = null);

/// <summary>Body of <c>POST /api/upkeep/tasks/{taskId}/snooze</c>.</summary>
public sealed record SnoozeTaskRequest(
    [property: Description("The new due day (yyyy-MM-dd, tenant-local): after today, at most a year ahead.")] string? Until = null,
    [property: Description("Why (optional, at most 500 characters).")] string? Note = null);

/// <summary>The maintenance calendar: <c>GET /api/upkeep/tasks</c>, one task, complete and snooze, and the tenant's settings.</summary>
public static class UpkeepTasksApi
{
    public const int MaxNoteLength = 500;
    public const int MaxSnoozeDays = 366;

    public static RouteGroupBuilder MapUpkeepTasks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        group.MapGet(ApiRoutes.UpkeepTasks, ListAsync).WithName(FunctionNames.ListUpkeepTasks)
            .WithSummary("The maintenance calendar's tasks in period order (weekly review, quarterly review, yearly renewal), paged.");
        group.MapGet(ApiRoutes.UpkeepTask, GetAsync).WithName(FunctionNames.GetUpkeepTask)
            .WithSummary("One task, with its ETag.");
        group.MapPost(ApiRoutes.UpkeepTaskComplete, CompleteAsync).WithName(FunctionNames.CompleteUpkeepTask)
            .WithSummary("Complete a task with a note (early is fine: it then never goes overdue). 409 when it is completed already. Honours If-Match.")
            .AcceptsJson<CompleteTaskRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost(ApiRoutes.UpkeepTaskSnooze, SnoozeAsync).WithName(FunctionNames.SnoozeUpkeepTask)
            .WithSummary("Move a task's due day (after today, at most a year ahead) with a note; an overdue event is raised again only if the new day passes. 409 when completed. Honours If-Match.")
            .AcceptsJson<SnoozeTaskRequest>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet(ApiRoutes.UpkeepTaskSettings, GetSettingsAsync).WithName(FunctionNames.GetUpkeepTaskSettings)
            .WithSummary("Which tasks the calendar generates and their days (defaults: all on, weekly Monday, quarterly the 15th of the quarter's first month, yearly 30 days ahead).");
        group.MapPut(ApiRoutes.UpkeepTaskSettings, PutSettingsAsync).WithName(FunctionNames.PutUpkeepTaskSettings)
            .WithSummary("Replace the calendar settings; fields left out take their defaults. Tasks already generated stay.")
            .AcceptsJson<UpkeepTaskSettingsRequest>();
        return api;
    }

    public static async Task<Results<Ok<UpkeepTaskPage>, ValidationProblem>> ListAsync(
        [AsParameters] UpkeepTaskQuery query, CurrentTenant tenant, TenantStore tenants, UpkeepTaskStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var parsed = query.Parse(tenant);
        if (!parsed.IsValid)
        {
            return parsed.Problem;
        }

        var (dueBefore, status, number, pageSize, after) = parsed.Value;
        var today = await TenantDay.TodayAsync(tenants, tenant.Id, time.GetUtcNow(), cancellationToken);
        var (items, last) = await store.PageAsync(tenant.Id, after, status, number, dueBefore, pageSize, cancellationToken);
        return TypedResults.Ok(new UpkeepTaskPage(
            items.Select(t => UpkeepTaskView.Of(t, today)).ToList(), last is null ? null : PageTokens.Encode(UpkeepTaskQuery.TokenTag, last)));
    }

    public static async Task<Results<Ok<UpkeepTaskView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] UpkeepTaskRoute route, HttpResponse response, CurrentTenant tenant, TenantStore tenants, UpkeepTaskStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        if (await store.FindAsync(tenant.Id, id.Value, cancellationToken) is not { } task)
        {
            return NotFound(id.Value);
        }

        response.Headers.ETag = task.EntityTag;
        return TypedResults.Ok(UpkeepTaskView.Of(task, await TenantDay.TodayAsync(tenants, tenant.Id, time.GetUtcNow(), cancellationToken)));
    }

    public static async Task<Results<Ok<UpkeepTaskView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        [AsParameters] UpkeepTaskRoute route, [AsParameters] WritePreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        TenantStore tenants, UpkeepTaskStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new CompleteTaskRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var note = UpkeepInput.Text(body.Value?.Note, "note", required: false, errors, MaxNoteLength);
        return errors.Count > 0
            ? Problems.Invalid(errors)
            : await ChangeAsync(route, preconditions, request, tenant, tenants, store, time, (task, now, _) =>
            {
                (task.Status, task.CompletedAt, task.CompletedBy, task.Note) = (UpkeepTaskEntity.Completed, now, "tenant", note ?? task.Note);
                return null;
            }, cancellationToken);
    }

    public static async Task<Results<Ok<UpkeepTaskView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> SnoozeAsync(
        [AsParameters] UpkeepTaskRoute route, [AsParameters] WritePreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        TenantStore tenants, UpkeepTaskStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new SnoozeTaskRequest(), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var until = UpkeepInput.Day(body.Value?.Until, "until", required: true, errors);
        var note = UpkeepInput.Text(body.Value?.Note, "note", required: false, errors, MaxNoteLength);
        return errors.Count > 0
            ? Problems.Invalid(errors)
            : await ChangeAsync(route, preconditions, request, tenant, tenants, store, time, (task, _, today) =>
            {
                if (until <= today || until > today.AddDays(MaxSnoozeDays))
                {
                    return Problems.Invalid("until", $"until must be after today ({DayRange.Text(today)}) and at most {MaxSnoozeDays} days ahead.");
                }

                (task.Status, task.DueOn, task.Note) = (UpkeepTaskEntity.Snoozed, DayRange.Text(until!.Value), note ?? task.Note);
                task.SnoozeCount++;
                return null;
            }, cancellationToken);
    }

    /// <summary>Read, check (exists, If-Match, not completed), change and write with the read's ETag: a concurrent change is a 412.</summary>
    private static async Task<Results<Ok<UpkeepTaskView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        UpkeepTaskRoute route, WritePreconditions preconditions, HttpRequest request, CurrentTenant tenant, TenantStore tenants, UpkeepTaskStore store,
        TimeProvider time, Func<UpkeepTaskEntity, DateTimeOffset, DateOnly, ValidationProblem?> change, CancellationToken cancellationToken)
    {
        var id = route.Parse();
        if (!id.IsValid)
        {
            return id.Problem;
        }

        if (await store.FindAsync(tenant.Id, id.Value, cancellationToken) is not { } task)
        {
            return NotFound(id.Value);
        }

        if (preconditions.Match is { } match && !UpkeepTaskStore.ETagMatches(match, task))
        {
            return Problems.PreconditionFailed($"Task {id.Value} has changed (current ETag {task.EntityTag}).");
        }

        if (task.Status == UpkeepTaskEntity.Completed)
        {
            return Problems.Conflict($"Task {id.Value} is completed already.", new Dictionary<string, object?> { ["completedAt"] = task.CompletedAt });
        }

        var now = time.GetUtcNow();
        var today = await TenantDay.TodayAsync(tenants, tenant.Id, now, cancellationToken);
        if (change(task, now, today) is { } invalid)
        {
            return invalid;
        }

        task.UpdatedAt = now;
        if (!await store.TryUpdateAsync(task, cancellationToken))
        {
            return Problems.PreconditionFailed($"Task {id.Value} changed while it was being saved; read it again.");
        }

        request.HttpContext.Response.Headers.ETag = task.EntityTag;
        return TypedResults.Ok(UpkeepTaskView.Of(task, today));
    }

    public static async Task<Results<Ok<UpkeepTaskSettingsView>, NotFoundProblem>> GetSettingsAsync(
        CurrentTenant tenant, TenantStore tenants, CancellationToken cancellationToken) =>
        await tenants.FindAsync(tenant.Id, cancellationToken) is { } entity
            ? TypedResults.Ok(UpkeepTaskSettingsView.Of(UpkeepTaskSettingsJson.Of(entity)))
            : Problems.NotFound($"Tenant '{tenant.Id}' does not exist.");

    public static async Task<Results<Ok<UpkeepTaskSettingsView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutSettingsAsync(
        HttpRequest request, CurrentTenant tenant, TenantStore tenants, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<UpkeepTaskSettingsRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var settings = body.Value.Parse();
        if (!settings.IsValid)
        {
            return settings.Problem;
        }

        var saved = await tenants.MergeSettingsAsync(
            tenant.Id, new Dictionary<string, object?> { [nameof(TenantEntity.UpkeepTaskSettings)] = UpkeepTaskSettingsJson.Serialize(settings.Value) }, cancellationToken);
        return saved ? TypedResults.Ok(UpkeepTaskSettingsView.Of(settings.Value)) : Problems.NotFound($"Tenant '{tenant.Id}' does not exist.");
    }

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"No task {id}.");
}

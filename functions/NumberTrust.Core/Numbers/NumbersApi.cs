using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Scanning;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

/// <summary>HTTP handlers of the number registry, shared by the Functions app and the local host.</summary>
public sealed class NumbersApi(
    ApiKeyAuthenticator auth, NumberStore store, KnownPlatforms platforms, TrustScorer scorer, ILabelSeverity severity, ScanPlanner planner)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public async Task<Results<Ok<NumberView>, Created<NumberView>, ProblemHttpResult>> PutAsync(
        HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (canonical, badNumber) = ParseRouteNumber(request, number, tenant!);
        if (badNumber is not null)
        {
            return badNumber;
        }

        var (body, badBody) = await HttpBody.ReadJsonAsync(request, new RegisterNumberRequest(), cancellationToken);
        if (badBody is not null)
        {
            return badBody;
        }

        var (input, errors) = RegistrationInput.From(body!, platforms);
        if (input is null)
        {
            return Problems.Invalid(errors);
        }

        var (ifMatch, ifNoneMatchAny) = Preconditions(request);
        var (outcome, entity) = await store.SaveAsync(tenant!.TenantId, canonical!, input, ifMatch, ifNoneMatchAny, cancellationToken);
        if (outcome == SaveOutcome.PreconditionFailed)
        {
            return Problems.PreconditionFailed(entity is null
                ? $"{canonical!.E164} is not registered, so If-Match cannot match."
                : $"{canonical!.E164} has changed (current ETag {entity.ETag}).");
        }

        request.HttpContext.Response.Headers.ETag = entity!.ETag.ToString();
        var view = ToView(entity, []);
        return outcome == SaveOutcome.Created
            ? TypedResults.Created(ApiRoutes.PathOf(ApiRoutes.Numbers + "/" + canonical!.E164), view)
            : TypedResults.Ok(view);
    }

    public async Task<Results<Ok<NumberView>, ProblemHttpResult>> GetAsync(
        HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (canonical, badNumber) = ParseRouteNumber(request, number, tenant!);
        if (badNumber is not null)
        {
            return badNumber;
        }

        var entity = await store.FindAsync(tenant!.TenantId, canonical!.E164, cancellationToken);
        if (entity is null)
        {
            return Problems.NotFound($"{canonical.E164} is not registered.");
        }

        var shown = planner.PlatformsToShow(canonical, entity.PlatformList);
        var labels = (await store.LabelRowsAsync(canonical.E164, shown, cancellationToken)).Select(ToLabelView).ToList();
        var labeled = labels.Where(l => l.State == nameof(ObservedState.Labeled)).ToList();
        var view = ToView(entity, labels) with
        {
            Labeled = labeled.Count > 0,
            WorstCategory = labeled.Count == 0 ? null : labeled.MaxBy(l => severity.Rank(l.Category))!.Category,
            LabeledPlatforms = labeled.Select(l => l.Platform).ToList(),
            TrustScore = scorer.Score(labeled.Select(l => (l.Platform, l.Category ?? "Other"))),
        };
        request.HttpContext.Response.Headers.ETag = entity.ETag.ToString();
        return TypedResults.Ok(view);
    }

    public async Task<Results<Ok<NumberPage>, ProblemHttpResult>> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var query = request.Query;
        var pageSize = DefaultPageSize;
        if (query["pageSize"] is { Count: > 0 } sizeText &&
            (!int.TryParse(sizeText.ToString(), out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Problems.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        string? afterKey = null;
        if (query["continuationToken"] is { Count: > 0 } token && !NumberStore.TryDecodeToken(token.ToString(), out afterKey!))
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this API issued.");
        }

        string? tag = null;
        if (query["tag"] is { Count: > 0 } tagText && (tag = RegistrationInput.NormaliseTag(tagText.ToString())) is null)
        {
            return Problems.Invalid("tag", "The tag filter is not a valid tag.");
        }

        var department = query["department"] is { Count: > 0 } dept && dept.ToString().Trim() is { Length: > 0 } d ? d : null;
        if (department is { Length: > RegistrationInput.MaxTextLength })
        {
            return Problems.Invalid("department", $"At most {RegistrationInput.MaxTextLength} characters.");
        }

        bool? labeledFilter = null;
        if (query["labeled"] is { Count: > 0 } labeledText)
        {
            if (!bool.TryParse(labeledText.ToString(), out var l))
            {
                return Problems.Invalid("labeled", "labeled must be true or false.");
            }

            labeledFilter = l;
        }

        var platformFilter = query["platform"] is { Count: > 0 } pf ? pf.ToString().Trim().ToLowerInvariant() : null;
        if (platformFilter is not null && !platforms.IsKnown(platformFilter))
        {
            return Problems.Invalid("platform", $"'{platformFilter}' is not a known platform.");
        }

        var categoryFilter = query["category"] is { Count: > 0 } cf ? cf.ToString().Trim() : null;
        if (categoryFilter is { Length: 0 or > 40 })
        {
            return Problems.Invalid("category", "category must be 1 to 40 characters.");
        }

        // Filtering by label platform or category implies labeled numbers, which the table query can narrow to.
        if (labeledFilter is null && (platformFilter is not null || categoryFilter is not null))
        {
            labeledFilter = true;
        }

        var filter = new ListFilter(department, tag, labeledFilter, platformFilter, categoryFilter);
        var (items, lastKey) = await store.ListAsync(tenant!.TenantId, afterKey, filter, pageSize, cancellationToken);
        return TypedResults.Ok(new NumberPage(
            items.Select(e => ToView(e, [])).ToList(),
            lastKey is null ? null : NumberStore.EncodeToken(lastKey)));
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (canonical, badNumber) = ParseRouteNumber(request, number, tenant!);
        if (badNumber is not null)
        {
            return badNumber;
        }

        var outcome = await store.DeleteAsync(tenant!.TenantId, canonical!.E164, Preconditions(request).IfMatch, cancellationToken);
        return outcome switch
        {
            null => Problems.NotFound($"{canonical.E164} is not registered."),
            SaveOutcome.PreconditionFailed => Problems.PreconditionFailed($"{canonical.E164} has changed since it was read."),
            _ => TypedResults.NoContent(),
        };
    }

    /// <summary>Parses the route's number with the <c>region</c> query parameter or the tenant's default region.</summary>
    internal static (CanonicalNumber? Number, ProblemHttpResult? Problem) ParseRouteNumber(HttpRequest request, string number, TenantContext tenant)
    {
        var region = tenant.DefaultRegion;
        if (request.Query["region"] is { Count: > 0 } regionText)
        {
            region = regionText.ToString().Trim().ToUpperInvariant();
            if (!NumberParser.IsSupportedRegion(region))
            {
                return (null, Problems.Invalid("region", $"'{regionText}' is not a supported ISO 3166 region code."));
            }
        }

        var parsed = NumberParser.Parse(number, region);
        return parsed.IsValid ? (parsed.Number, null) : (null, Problems.Invalid("number", parsed.Error!));
    }

    private static (string? IfMatch, bool IfNoneMatchAny) Preconditions(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        return (ifMatch.Length == 0 ? null : ifMatch.Trim(), ifNoneMatch.Trim() == "*");
    }

    internal static NumberView ToView(RegistrationEntity entity, IReadOnlyList<LabelStatusView> labels)
    {
        var type = Enum.TryParse<NumberType>(entity.NumberType, out var t) ? t : NumberType.Unknown;
        var canonical = NumberParser.FromStored(entity.RowKey, entity.Region, type);
        return new NumberView(
            entity.RowKey,
            NumberParser.FormatInternational(canonical),
            entity.Region,
            type,
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

    private static LabelStatusView ToLabelView(TableEntity row) => new(
        row.RowKey["label|".Length..],
        row.GetString("State") ?? "Unknown",
        row.GetString("Category"),
        row.GetString("LabelText"),
        row.GetInt32("ReportCount"),
        row.GetString("SourceApp"),
        row.GetDateTimeOffset("FirstSeenAt"),
        row.GetDateTimeOffset("LastCheckedAt"),
        row.GetDateTimeOffset("LastChangedAt"),
        row.GetInt32("ConsecutiveUnknowns") ?? 0,
        row.GetString("LastUnknownReason") is { Length: > 0 } reason ? reason : null,
        row.GetString("LastFailure"),
        row.GetString("EvidenceUrl"),
        row.GetInt32("EvidenceStatus"),
        row.GetString("EvidenceExcerpt"));
}

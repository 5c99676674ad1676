using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Reports;

/// <summary>The body of <c>POST /api/public/reports/{token}</c>.</summary>
public sealed record PublicReportRequest(
    [property: Description("The number that was shown with a label, as written.")] string? Number,
    [property: Description("The app or phone brand that showed it (e.g. 360手机卫士, Huawei).")] string? Brand,
    [property: Description("The label text as shown.")] string? LabelText,
    [property: Description("Optional screenshot, base64 (PNG or JPEG by content, at most 2 MiB decoded).")] string? Screenshot);

/// <summary>The body of <c>POST /api/report-links</c>.</summary>
public sealed record CreateReportLinkRequest([property: Description("What the link is for (e.g. the support page it is on).")] string? Name);

/// <summary>A created link with its token, shown this once.</summary>
public sealed record CreatedReportLink(string Id, string? Name, DateTimeOffset CreatedAt, string Token, string Path);

/// <summary>The answer to every accepted public report, whatever became of it.</summary>
public sealed record ReportReceived(string Status);

/// <summary>Customer reports: the tenant's report links and the public endpoint that takes a report without an API key.</summary>
public static class PublicReportsApi
{
    public const int MaxScreenshotBytes = 2 * 1024 * 1024;

    // Base64 of 2 MiB plus the text fields.
    private const int MaxBodyBytes = (MaxScreenshotBytes / 3 * 4) + 64 * 1024;

    public static RouteGroupBuilder MapCustomerReports(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        links.MapPost(ApiRoutes.ReportLinks, CreateLinkAsync).WithName(FunctionNames.CreateReportLink)
            .WithSummary("Issue a public report link; its token is returned once.")
            .AcceptsJson<CreateReportLinkRequest>();
        links.MapGet(ApiRoutes.ReportLinks, ListLinksAsync).WithName(FunctionNames.ListReportLinks)
            .WithSummary("The tenant's report links (without tokens).");
        links.MapDelete(ApiRoutes.ReportLink, RevokeLinkAsync).WithName(FunctionNames.RevokeReportLink)
            .WithSummary("Revoke a report link: its token is refused from then on.");
        api.MapPost(ApiRoutes.PublicReport, PostReportAsync).WithName(FunctionNames.PostPublicReport).WithTags("Public")
            .WithSummary("A customer reports a label seen on a number (no API key). 202 for every valid report; 404 for a link that is not valid; 429 when a link or an address sends too many.")
            .AcceptsJson<PublicReportRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    public static async Task<Results<Created<CreatedReportLink>, ProblemHttpResult, ValidationProblem>> CreateLinkAsync(
        HttpRequest request, CurrentTenant tenant, ReportLinkStore links, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new CreateReportLinkRequest(null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        if (body.Value.Name is { Length: > 100 })
        {
            return Problems.Invalid("name", "At most 100 characters.");
        }

        var (link, token) = await links.CreateAsync(tenant.Id, body.Value.Name?.Trim(), cancellationToken);
        var path = ApiRoutes.PathOf("public/reports/" + token);
        return TypedResults.Created(ApiRoutes.PathOf("report-links/" + link.Id), new CreatedReportLink(link.Id, link.Name, link.CreatedAt, token, path));
    }

    public static async Task<Ok<IReadOnlyList<ReportLinkView>>> ListLinksAsync(CurrentTenant tenant, ReportLinkStore links, CancellationToken cancellationToken) =>
        TypedResults.Ok(await links.ListAsync(tenant.Id, cancellationToken));

    public static async Task<Results<Ok<ReportLinkView>, NotFoundProblem>> RevokeLinkAsync(
        string linkId, CurrentTenant tenant, ReportLinkStore links, CancellationToken cancellationToken) =>
        await links.RevokeAsync(tenant.Id, linkId, cancellationToken) is { } link
            ? TypedResults.Ok(link)
            : Problems.NotFound($"Report link '{Display.Shorten(linkId)}' does not exist.");

    public static async Task<Results<Accepted<ReportReceived>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PostReportAsync(
        string token, HttpRequest request, ReportLinkStore links, ReportRateLimiter limiter, IOptionsMonitor<ReportOptions> options,
        TenantStore tenants, CustomerReportService reports, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var address = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // The address is counted before anything is read, so guessing links costs the guesser, not storage.
        if (limiter.Take("addr:" + address, settings.PerAddressPerWindow) is { } addressWait)
        {
            return TooMany(request, addressWait);
        }

        if (await links.ResolveAsync(token, cancellationToken) is not { } link)
        {
            return Problems.NotFound("This report link is not valid.");
        }

        if (limiter.Take("link:" + ReportLinkStore.HashOf(token), settings.PerTokenPerWindow) is { } linkWait)
        {
            return TooMany(request, linkWait);
        }

        if (request.ContentType is { Length: > 0 } contentType && !HttpBody.IsMediaType(contentType, "application/json", "+json"))
        {
            return Problems.UnsupportedMediaType("application/json");
        }

        var bytes = await HttpBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken);
        if (!bytes.IsValid)
        {
            return bytes.Problem;
        }

        PublicReportRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<PublicReportRequest>(bytes.Value, ApiJson.Options);
        }
        catch (JsonException)
        {
            return Problems.BadRequestProblem("The request body is not valid JSON.");
        }

        var region = (await tenants.FindAsync(link.TenantId, cancellationToken))?.DefaultRegion ?? "CN";
        var input = Check(body, region);
        if (!input.IsValid)
        {
            return input.Problem;
        }

        await reports.RecordAsync(link.TenantId, link.LinkId, input.Value, cancellationToken);
        return TypedResults.Accepted((string?)null, new ReportReceived("received"));
    }

    private static Validated<CustomerReportInput> Check(PublicReportRequest? body, string region)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "The request body must be a JSON object.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var parsed = NumberParser.Parse(body.Number ?? "", region);
        if (parsed.Number is null)
        {
            errors["number"] = [string.IsNullOrWhiteSpace(body.Number) ? "number is required." : parsed.Error!];
        }

        var brand = Text(body.Brand, "brand", 40, errors);
        var label = Text(body.LabelText, "labelText", 200, errors);
        byte[]? screenshot = null;
        string? type = null;
        if (body.Screenshot is { Length: > 0 } encoded)
        {
            var buffer = new byte[MaxScreenshotBytes + 3];
            if (!Convert.TryFromBase64String(encoded, buffer, out var written))
            {
                errors["screenshot"] = [encoded.Length > MaxScreenshotBytes / 3 * 4 + 4 ? $"The screenshot is larger than {MaxScreenshotBytes} bytes." : "The screenshot is not base64."];
            }
            else if (written > MaxScreenshotBytes)
            {
                errors["screenshot"] = [$"The screenshot is larger than {MaxScreenshotBytes} bytes."];
            }
            else if ((type = EvidenceSniffer.ContentTypeOf(buffer.AsSpan(0, written))) is not ("image/png" or "image/jpeg"))
            {
                errors["screenshot"] = ["The screenshot must be a PNG or JPEG image (judged by its content)."];
            }
            else
            {
                screenshot = buffer[..written];
            }
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : new CustomerReportInput(parsed.Number!, brand!, label!, screenshot, type);
    }

    private static string? Text(string? value, string field, int max, Dictionary<string, string[]> errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors[field] = [$"{field} is required."];
            return null;
        }

        if (text.Length > max || text.Any(char.IsControl))
        {
            errors[field] = [$"{field} must be 1 to {max} characters without control characters."];
            return null;
        }

        return text;
    }

    private static ProblemHttpResult TooMany(HttpRequest request, TimeSpan wait)
    {
        request.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.TooManyRequests("Too many reports; try again later.");
    }
}

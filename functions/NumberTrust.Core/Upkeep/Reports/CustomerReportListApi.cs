using System.ComponentModel;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Reports;

/// <summary>A received customer report as its tenant sees it.</summary>
public sealed record CustomerReportView(
    string Id, string Number, string Brand, string LabelText, string? LinkId, DateTimeOffset ReceivedAt, bool Screenshot, string? ScreenshotSha256,
    string? ScreenshotPath);

/// <summary>A page of received reports, newest first.</summary>
public sealed record CustomerReportPage(IReadOnlyList<CustomerReportView> Items, string? ContinuationToken);

/// <summary>Query of <c>GET /api/reports/customer</c>.</summary>
public sealed record CustomerReportQuery(
    [FromQuery(Name = "from")] [property: Description("First day received (yyyy-MM-dd, UTC); default: 89 days before to.")] string? From,
    [FromQuery(Name = "to")] [property: Description("Last day received (yyyy-MM-dd, UTC); default: today.")] string? To,
    [FromQuery(Name = "number")] [property: Description("Only the reports of this number (any format).")] string? Number,
    [FromQuery(Name = "pageSize")] [property: Description("Reports per page, 1 to 100 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken);

/// <summary>The tenant's received customer reports: <c>GET /api/reports/customer</c> and a report's screenshot.</summary>
public static class CustomerReportListApi
{
    private const string TokenTag = "r1";
    private const string RowPrefix = "report|";

    public static RouteGroupBuilder MapCustomerReportList(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        group.MapGet(ApiRoutes.CustomerReports, ListAsync).WithName(FunctionNames.ListCustomerReports)
            .WithSummary("The customer reports the tenant's report links received, newest first, paged.");
        group.MapGet(ApiRoutes.CustomerReportScreenshot, ScreenshotAsync).WithName(FunctionNames.GetCustomerReportScreenshot)
            .WithSummary("A report's screenshot (PNG or JPEG), to the tenant that received it only.");
        return api;
    }

    public static async Task<Results<Ok<CustomerReportPage>, ValidationProblem>> ListAsync(
        [AsParameters] CustomerReportQuery query, CurrentTenant tenant, StorageAccount storage, TimeProvider time, CancellationToken cancellationToken)
    {
        var span = DayRange.Parse(query.From, query.To, time.GetUtcNow(), defaultDays: 90);
        if (!span.IsValid)
        {
            return span.Problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? number = null;
        if (!string.IsNullOrWhiteSpace(query.Number))
        {
            var parsed = NumberParser.Parse(query.Number, tenant.DefaultRegion);
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
        if (query.PageSize is { } size && (!int.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 100))
        {
            errors["pageSize"] = ["pageSize must be a whole number from 1 to 100."];
        }

        var after = RowPrefix;
        if (query.ContinuationToken is { } token && (!PageTokens.TryDecode(token, TokenTag, 200, out after) || !after.StartsWith(RowPrefix, StringComparison.Ordinal)))
        {
            errors["continuationToken"] = ["The continuation token is not one this API issued."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (from, to) = span.Value;
        var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        // The tenant is the partition: no filter here can reach another tenant's rows.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenant.Id} and RowKey gt {after} and RowKey lt {TableKeys.After(RowPrefix)} and ReceivedAt ge {since} and ReceivedAt lt {until}");
        if (number is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Number eq {number}");
        }

        var items = new List<CustomerReportView>();
        string? lastKey = null, last = null;
        await foreach (var row in storage.Table(TableNames.UpkeepReports).QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken))
        {
            if (items.Count == pageSize)
            {
                last = lastKey;
                break;
            }

            items.Add(View(row));
            lastKey = row.RowKey;
        }

        return TypedResults.Ok(new CustomerReportPage(items, last is null ? null : PageTokens.Encode(TokenTag, last)));
    }

    public static async Task<Results<FileStreamHttpResult, NotFoundProblem, ValidationProblem>> ScreenshotAsync(
        string reportId, CurrentTenant tenant, StorageAccount storage, CancellationToken cancellationToken)
    {
        if (reportId is not { Length: 19 } || !reportId.StartsWith("cr_", StringComparison.Ordinal) || !reportId[3..].All(char.IsAsciiHexDigitLower))
        {
            return Problems.Invalid("reportId", $"'{Display.Shorten(reportId)}' is not a report id.");
        }

        // Blobs are named {tenant}/{report id}: another tenant's id resolves to a blob that does not exist.
        try
        {
            var download = await storage.Container(ContainerNames.CustomerReports).GetBlobClient($"{tenant.Id}/{reportId}")
                .DownloadStreamingAsync(cancellationToken: cancellationToken);
            var type = download.Value.Details.ContentType is "image/png" or "image/jpeg" ? download.Value.Details.ContentType : "application/octet-stream";
            return TypedResults.Stream(download.Value.Content, type, reportId + (type == "image/png" ? ".png" : ".jpg"));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return Problems.NotFound($"Report '{reportId}' has no screenshot.");
        }
    }

    private static CustomerReportView View(TableEntity row)
    {
        var id = row.RowKey[(row.RowKey.LastIndexOf('|') + 1)..];
        var screenshot = row.GetString("Screenshot") is { Length: > 0 };
        return new CustomerReportView(
            id, row.GetString("Number") ?? "", row.GetString("Brand") ?? "", row.GetString("LabelText") ?? "", row.GetString("LinkId"),
            row.GetDateTimeOffset("ReceivedAt") ?? default, screenshot, row.GetString("ScreenshotSha256"),
            screenshot ? ApiRoutes.PathOf(ApiRoutes.CustomerReportScreenshot.Replace("{reportId}", id, StringComparison.Ordinal)) : null);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Health;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Scanning;
using NumberTrust.Tenants;

namespace NumberTrust.Local.Api;

/// <summary>Maps the Core handlers onto the same routes the Functions app's HTTP triggers use.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapNumberTrustApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix);

        api.MapGet(ApiRoutes.Health, (HealthApi handler, CancellationToken ct) => handler.GetAsync(ct))
            .WithName("GetHealth").WithTags("Health")
            .WithSummary("Whether the API and its storage are reachable (anonymous).")
            .Produces<HealthView>(StatusCodes.Status503ServiceUnavailable);

        var numbers = api.MapGroup("").WithTags("Numbers");
        numbers.MapPut(ApiRoutes.Number, (HttpRequest request, string number, NumbersApi handler, CancellationToken ct) => handler.PutAsync(request, number, ct))
            .WithName("PutNumber")
            .WithSummary("Register a number or replace its registration (idempotent). Honours If-Match and If-None-Match: *.")
            .Accepts<RegisterNumberRequest>("application/json")
            .WithQueryParameter("region", "ISO 3166 region for numbers written without a country code; default: the tenant's region.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        numbers.MapGet(ApiRoutes.Number, (HttpRequest request, string number, NumbersApi handler, CancellationToken ct) => handler.GetAsync(request, number, ct))
            .WithName("GetNumber")
            .WithSummary("A registration with the number's label status per platform.")
            .WithQueryParameter("region", "ISO 3166 region for numbers written without a country code; default: the tenant's region.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        numbers.MapGet(ApiRoutes.Numbers, (HttpRequest request, NumbersApi handler, CancellationToken ct) => handler.ListAsync(request, ct))
            .WithName("ListNumbers")
            .WithSummary("The tenant's registrations in E.164 order, paged with continuation tokens.")
            .WithQueryParameter("tag", "Only numbers with this tag.")
            .WithQueryParameter("department", "Only numbers of this department (exact match).")
            .WithQueryParameter("pageSize", $"Items per page, 1 to {NumbersApi.MaxPageSize} (default {NumbersApi.DefaultPageSize}).")
            .WithQueryParameter("continuationToken", "The continuationToken of the previous page.")
            .WithQueryParameter("labeled", "true: only numbers labeled on some platform; false: only numbers labeled nowhere.")
            .WithQueryParameter("platform", "Only numbers labeled on this platform.")
            .WithQueryParameter("category", "Only numbers labeled with this canonical category (e.g. Fraud).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        numbers.MapDelete(ApiRoutes.Number, (HttpRequest request, string number, NumbersApi handler, CancellationToken ct) => handler.DeleteAsync(request, number, ct))
            .WithName("DeleteNumber")
            .WithSummary("Remove the tenant's registration of a number. Honours If-Match.")
            .WithQueryParameter("region", "ISO 3166 region for numbers written without a country code; default: the tenant's region.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        numbers.MapPost(ApiRoutes.NumbersImport, (HttpRequest request, ImportApi handler, CancellationToken ct) => handler.ImportAsync(request, ct))
            .WithName("ImportNumbers")
            .WithSummary($"Register numbers from a UTF-8 CSV (header: number, displayName, department, tags, cadence, platforms, region); at most {ImportApi.MaxRows} rows and {HttpBody.MaxCsvBytes} bytes.")
            .Accepts<string>("text/csv", "application/csv", "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        api.MapGet(ApiRoutes.Platforms, (HttpRequest request, PlatformsApi handler, CancellationToken ct) => handler.ListAsync(request, ct))
            .WithName("ListPlatforms").WithTags("Platforms")
            .WithSummary("The caller-ID platforms of this deployment: id, name, market, lookup method, enabled, categories, appeal channel.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var scans = api.MapGroup("").WithTags("Scans");
        scans.MapPost(ApiRoutes.NumberScans, (HttpRequest request, string number, ScansApi handler, CancellationToken ct) => handler.ScanNumberAsync(request, number, ct))
            .WithName("ScanNumber")
            .WithSummary("Scan one registered number on its platforms now; 202 with the Location of the scan run.")
            .WithQueryParameter("region", "ISO 3166 region for numbers written without a country code; default: the tenant's region.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        scans.MapPost(ApiRoutes.Scans, (HttpRequest request, ScansApi handler, CancellationToken ct) => handler.ScanTenantAsync(request, ct))
            .WithName("ScanTenant")
            .WithSummary("Scan all of the tenant's numbers now; 202 with the Location of the scan run.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        scans.MapGet(ApiRoutes.Scan, (HttpRequest request, string scanId, ScansApi handler, CancellationToken ct) => handler.GetScanAsync(request, scanId, ct))
            .WithName("GetScan")
            .WithSummary("Progress of a scan run per platform (queued, done, unknown, failed) and whether it finished.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        scans.MapGet(ApiRoutes.NumberHistory, (HttpRequest request, string number, ScansApi handler, CancellationToken ct) => handler.HistoryAsync(request, number, ct))
            .WithName("GetNumberHistory")
            .WithSummary("Label changes of a number, newest first.")
            .WithQueryParameter("platform", "Only this platform.")
            .WithQueryParameter("from", "Only changes at or after this ISO 8601 time.")
            .WithQueryParameter("to", "Only changes at or before this ISO 8601 time.")
            .WithQueryParameter("limit", $"At most this many entries (1 to {ScansApi.MaxHistory}, default 100).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var peakWindows = api.MapGroup("").WithTags("PeakWindows");
        peakWindows.MapGet(ApiRoutes.PeakWindows, (HttpRequest request, PeakWindowsApi handler, CancellationToken ct) => handler.GetAsync(request, ct))
            .WithName("GetPeakWindows")
            .WithSummary("The tenant's peak windows: periods in which its numbers on auto cadence are scanned daily.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        peakWindows.MapPut(ApiRoutes.PeakWindows, (HttpRequest request, PeakWindowsApi handler, CancellationToken ct) => handler.PutAsync(request, ct))
            .WithName("PutPeakWindows")
            .WithSummary($"Replace the tenant's peak windows (at most {PeakWindows.MaxWindows}, each at most {PeakWindows.MaxLength.Days} days, ISO 8601 times with an offset; windows already over are dropped). Numbers due after the next window start are moved earlier in the background.")
            .Accepts<PeakWindowsRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        var admin = api.MapGroup("").WithTags("Admin");
        admin.MapPut(ApiRoutes.AdminTenant, (HttpRequest request, string tenantId, AdminApi handler, CancellationToken ct) => handler.PutTenantAsync(request, tenantId, ct))
            .WithName("PutTenant").WithSummary("Create or update a tenant (admin key).")
            .Accepts<TenantRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        admin.MapGet(ApiRoutes.AdminTenant, (HttpRequest request, string tenantId, AdminApi handler, CancellationToken ct) => handler.GetTenantAsync(request, tenantId, ct))
            .WithName("GetTenant").WithSummary("A tenant (admin key).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost(ApiRoutes.AdminTenantKeys, (HttpRequest request, string tenantId, AdminApi handler, CancellationToken ct) => handler.CreateKeyAsync(request, tenantId, ct))
            .WithName("CreateTenantKey").WithSummary("Create an API key for a tenant; the key is shown only in this response (admin key).")
            .Accepts<CreateKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet(ApiRoutes.AdminTenantKeys, (HttpRequest request, string tenantId, AdminApi handler, CancellationToken ct) => handler.ListKeysAsync(request, tenantId, ct))
            .WithName("ListTenantKeys").WithSummary("A tenant's API keys, without secrets (admin key).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete(ApiRoutes.AdminTenantKey, (HttpRequest request, string tenantId, string keyId, AdminApi handler, CancellationToken ct) => handler.RevokeKeyAsync(request, tenantId, keyId, ct))
            .WithName("RevokeTenantKey").WithSummary("Revoke a tenant's API key (admin key).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder builder, string name, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = name,
                In = Microsoft.OpenApi.ParameterLocation.Query,
                Required = false,
                Description = description,
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });
}

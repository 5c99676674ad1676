using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Appeals;
using NumberTrust.Health;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Notifications.Digests;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.CallStats;
using NumberTrust.Upkeep.Reports;
using NumberTrust.Upkeep.Trust;

namespace NumberTrust.Hosting;

/// <summary>
/// Every HTTP endpoint, each feature mapping its own group under <c>/api</c>. The local host maps this as it is; the Functions app
/// builds the same endpoints (<see cref="ApiEndpointTable"/>) and each HTTP trigger runs the endpoint named after its function.
/// </summary>
public static class ApiEndpoints
{
    public static RouteGroupBuilder MapNumberTrustApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix).AddEndpointFilter<ApiErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapHealth();
        api.MapNumbers();
        api.MapPlatforms();
        api.MapScanRuns();
        api.MapPeakWindows();
        api.MapAppeals();
        api.MapAdmin();
        api.MapSubscriptions();
        api.MapDeliveries();
        api.MapCallStats();
        api.MapTrust();
        api.MapCustomerReports();
        NumberTrust.Upkeep.Expectations.ExpectationsApi.MapExpectations(api);
        NumberTrust.Upkeep.Documents.DocumentsApi.MapDocuments(api);
        api.MapDigestSettings();
        api.MapAppealRoutes();
        NumberTrust.Upkeep.Tasks.UpkeepTasksApi.MapUpkeepTasks(api);
        api.MapCustomerReportList();
        return api;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Upkeep;

/// <summary>Number upkeep: the endpoints of <see cref="NumberTrust.Upkeep.CallStats.CallStatsApi"/> and <see cref="NumberTrust.Upkeep.Trust.TrustApi"/>.</summary>
public sealed class UpkeepFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.PostCallStats)]
    public Task<IResult> PostCallStats([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberCallStats)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PostCallStats, request);

    [Function(FunctionNames.GetCallStats)]
    public Task<IResult> GetCallStats([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberCallStats)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetCallStats, request);

    [Function(FunctionNames.GetTrustSeries)]
    public Task<IResult> GetTrustSeries([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberTrust)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetTrustSeries, request);

    [Function(FunctionNames.GetTrustReport)]
    public Task<IResult> GetTrustReport([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.TrustReport)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetTrustReport, request);

    [Function(FunctionNames.CreateReportLink)]
    public Task<IResult> CreateReportLink([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.ReportLinks)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateReportLink, request);

    [Function(FunctionNames.ListReportLinks)]
    public Task<IResult> ListReportLinks([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.ReportLinks)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListReportLinks, request);

    [Function(FunctionNames.RevokeReportLink)]
    public Task<IResult> RevokeReportLink([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.ReportLink)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.RevokeReportLink, request);

    // Public: customers have neither an API key nor a function key; the token in the route is the credential.
    [Function(FunctionNames.PostPublicReport)]
    public Task<IResult> PostPublicReport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.PublicReport)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PostPublicReport, request);
}

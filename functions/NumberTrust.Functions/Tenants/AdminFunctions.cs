using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Tenants;

/// <summary>HTTP triggers for tenant and key administration; the endpoints are <see cref="NumberTrust.Tenants.AdminApi"/>'s.</summary>
public sealed class AdminFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.PutTenant)]
    public Task<IResult> PutTenant([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.AdminTenant)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutTenant, request);

    [Function(FunctionNames.GetTenant)]
    public Task<IResult> GetTenant([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AdminTenant)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetTenant, request);

    [Function(FunctionNames.CreateTenantKey)]
    public Task<IResult> CreateTenantKey([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AdminTenantKeys)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateTenantKey, request);

    [Function(FunctionNames.ListTenantKeys)]
    public Task<IResult> ListTenantKeys([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AdminTenantKeys)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListTenantKeys, request);

    [Function(FunctionNames.RevokeTenantKey)]
    public Task<IResult> RevokeTenantKey([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.AdminTenantKey)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.RevokeTenantKey, request);
}

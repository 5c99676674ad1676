using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Functions.Tenants;

/// <summary>HTTP triggers for tenant and key administration; all logic lives in <see cref="AdminApi"/>.</summary>
public sealed class AdminFunctions(AdminApi admin)
{
    [Function(nameof(PutTenant))]
    public async Task<IResult> PutTenant(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.AdminTenant)] HttpRequest request, string tenantId,
        CancellationToken cancellationToken) =>
        await admin.PutTenantAsync(request, tenantId, cancellationToken);

    [Function(nameof(GetTenant))]
    public async Task<IResult> GetTenant(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AdminTenant)] HttpRequest request, string tenantId,
        CancellationToken cancellationToken) =>
        await admin.GetTenantAsync(request, tenantId, cancellationToken);

    [Function(nameof(CreateTenantKey))]
    public async Task<IResult> CreateTenantKey(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AdminTenantKeys)] HttpRequest request, string tenantId,
        CancellationToken cancellationToken) =>
        await admin.CreateKeyAsync(request, tenantId, cancellationToken);

    [Function(nameof(ListTenantKeys))]
    public async Task<IResult> ListTenantKeys(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AdminTenantKeys)] HttpRequest request, string tenantId,
        CancellationToken cancellationToken) =>
        await admin.ListKeysAsync(request, tenantId, cancellationToken);

    [Function(nameof(RevokeTenantKey))]
    public async Task<IResult> RevokeTenantKey(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.AdminTenantKey)] HttpRequest request, string tenantId,
        string keyId, CancellationToken cancellationToken) =>
        await admin.RevokeKeyAsync(request, tenantId, keyId, cancellationToken);
}

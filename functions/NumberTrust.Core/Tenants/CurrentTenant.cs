namespace NumberTrust.Tenants;

/// <summary>The tenant an authenticated request acts for; the tenant is never taken from the request itself.</summary>
public sealed record TenantContext(string TenantId, string DefaultRegion);

/// <summary>
/// The request's tenant, filled in by the <see cref="TenantAuthentication.RequireTenant"/> filter before the handler runs (scoped:
/// one per request in both hosts). Handlers take it as a parameter.
/// </summary>
public sealed class CurrentTenant
{
    private TenantContext? _tenant;

    public TenantContext Context =>
        _tenant ?? throw new InvalidOperationException("No authenticated tenant: the endpoint must be mapped with RequireTenant().");

    public string Id => Context.TenantId;

    public string DefaultRegion => Context.DefaultRegion;

    internal void Set(TenantContext tenant) => _tenant = tenant;
}

using NumberTrust.Notifications.Digests;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Reminders;

/// <summary>The tenant's local date: upkeep days follow the time zone of its digest settings (default Asia/Shanghai).</summary>
public static class TenantDay
{
    public static DateOnly Of(TenantEntity? tenant, DateTimeOffset now) =>
        (tenant is null ? DigestSettings.Default : DigestSettingsJson.Of(tenant)).DueAt(now).LocalDate;

    public static async Task<DateOnly> TodayAsync(TenantStore tenants, string tenantId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Of(await tenants.FindAsync(tenantId, cancellationToken), now);
}

namespace NumberTrust.Hosting;

/// <summary>
/// HTTP route templates, defined once for both hosts. Templates are relative to <see cref="Prefix"/>, which is the Functions
/// host's default <c>routePrefix</c>; the local host serves them under the same prefix.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    public const string Health = "health";
    public const string Numbers = "numbers";
    public const string Number = "numbers/{number}";
    public const string NumbersImport = "numbers/import";
    public const string NumberHistory = "numbers/{number}/history";
    public const string NumberScans = "numbers/{number}/scans";
    public const string Scans = "scans";
    public const string Scan = "scans/{scanId}";
    public const string Platforms = "platforms";
    public const string PeakWindows = "peak-windows";
    public const string AdminTenant = "admin/tenants/{tenantId}";
    public const string AdminTenantKeys = "admin/tenants/{tenantId}/keys";
    public const string AdminTenantKey = "admin/tenants/{tenantId}/keys/{keyId}";

    /// <summary>The path a client uses, e.g. <c>/api/numbers/+8613800138000</c>.</summary>
    public static string PathOf(string template) => "/" + Prefix + "/" + template;
}

/// <summary>Storage queue names, shared by producers, the Functions queue triggers and the local host's listeners.</summary>
public static class QueueNames
{
    /// <summary>Suffix the queue trigger appends for messages that failed <c>maxDequeueCount</c> times.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Planning shards enqueued by the planner timer; each expands into lookup jobs.</summary>
    public const string ScanPlans = "scan-plans";

    /// <summary>Planning shards that failed <c>maxDequeueCount</c> times; a function plans them again later.</summary>
    public const string ScanPlansPoison = ScanPlans + PoisonSuffix;

    /// <summary>One job per number and platform.</summary>
    public const string Lookups = "lookups";

    /// <summary>Lookups that failed <c>maxDequeueCount</c> times; a function records why.</summary>
    public const string LookupsPoison = Lookups + PoisonSuffix;

    /// <summary>Tenant-wide on-demand scans waiting to be expanded into lookup jobs.</summary>
    public const string ScanRuns = "scan-runs";

    /// <summary>Scan-run pages that failed <c>maxDequeueCount</c> times; a function records the failure on the run.</summary>
    public const string ScanRunsPoison = ScanRuns + PoisonSuffix;

    /// <summary>Pages of a tenant's numbers to pull forward after it saved peak windows, so none is due past a window start.</summary>
    public const string SchedulePulls = "schedule-pulls";

    /// <summary>Label change events for the notifications feature.</summary>
    public const string Alerts = "alerts";

    /// <summary>Every queue the app produces to or consumes from (each also has a <c>-poison</c> twin); infra declares the same list.</summary>
    public static readonly IReadOnlyList<string> All = [ScanPlans, Lookups, ScanRuns, SchedulePulls, Alerts];
}

/// <summary>App setting names that hold NCRONTAB schedules (6 fields, seconds first); functions use them as <c>%Name%</c>.</summary>
public static class ScheduleSettings
{
    /// <summary>How often the scan planner looks for due numbers (default every minute).</summary>
    public const string ScanPlanner = "ScanPlannerSchedule";
}

/// <summary>Names of the HTTP headers the API reads.</summary>
public static class ApiHeaders
{
    public const string ApiKey = "x-api-key";
}

namespace NumberTrust.Hosting;

/// <summary>
/// HTTP route templates, defined once for both hosts. Templates are relative to <see cref="Prefix"/>, the Functions host's
/// default <c>routePrefix</c>; the local host serves them under the same prefix.
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
    public const string NumberAppeals = "numbers/{number}/appeals";
    public const string Appeals = "appeals";
    public const string Appeal = "appeals/{id}";
    public const string AppealSubmit = "appeals/{id}/submit";
    public const string AppealWithdraw = "appeals/{id}/withdraw";
    public const string AppealUpdates = "appeals/{id}/updates";
    public const string AppealReopen = "appeals/{id}/reopen";
    public const string AppealEvidence = "appeals/{id}/evidence/{name}";
    public const string AppealReport = "reports/appeals";
    public const string AdminTenant = "admin/tenants/{tenantId}";
    public const string AdminTenantKeys = "admin/tenants/{tenantId}/keys";
    public const string AdminTenantKey = "admin/tenants/{tenantId}/keys/{keyId}";

    public const string Subscriptions = "subscriptions";
    public const string Subscription = "subscriptions/{subscriptionId}";
    public const string SubscriptionSecret = "subscriptions/{subscriptionId}/secret";
    public const string SubscriptionTest = "subscriptions/{subscriptionId}/test";
    public const string SubscriptionDeliveries = "subscriptions/{subscriptionId}/deliveries";
    public const string SubscriptionRedeliver = "subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver";

    public const string NumberCallStats = "numbers/{number}/call-stats";
    public const string NumberTrust = "numbers/{number}/trust";
    public const string TrustReport = "reports/trust";
    public const string ReportLinks = "report-links";
    public const string ReportLink = "report-links/{linkId}";
    public const string NumberExpectation = "numbers/{number}/expectations/{platform}";
    public const string NumberDisplayLabels = "numbers/{number}/display-labels";
    public const string NumberDisplayLabel = "numbers/{number}/display-labels/{labelId}";
    public const string Documents = "documents";
    public const string Document = "documents/{documentId}";
    public const string DigestSettings = "digest-settings";
    public const string PublicReport = "public/reports/{token}";

    public const string PlatformAppealRoute = "platforms/{platform}/appeal-route";
    public const string UpkeepTasks = "upkeep/tasks";
    public const string UpkeepTask = "upkeep/tasks/{taskId}";
    public const string UpkeepTaskComplete = "upkeep/tasks/{taskId}/complete";
    public const string UpkeepTaskSnooze = "upkeep/tasks/{taskId}/snooze";
    public const string UpkeepTaskSettings = "upkeep/task-settings";
    public const string AppealSettings = "appeal-settings";
    public const string CustomerReports = "reports/customer";
    public const string CustomerReportScreenshot = "reports/customer/{reportId}/screenshot";

    /// <summary>The path a client uses for a resource, e.g. <c>/api/numbers/+8613800138000</c>.</summary>
    public static string PathOf(string relative) => "/" + Prefix + "/" + relative;
}

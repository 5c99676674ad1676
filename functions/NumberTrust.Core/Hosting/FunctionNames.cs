namespace NumberTrust.Hosting;

/// <summary>
/// The name of every function, used by the Functions app's <c>[Function]</c> attributes, the local host's endpoints and listeners,
/// and <see cref="FunctionTable"/>; a test holds the two hosts to the same list.
/// </summary>
public static class FunctionNames
{
    public const string GetHealth = nameof(GetHealth);

    public const string PutNumber = nameof(PutNumber);
    public const string GetNumber = nameof(GetNumber);
    public const string ListNumbers = nameof(ListNumbers);
    public const string DeleteNumber = nameof(DeleteNumber);
    public const string ImportNumbers = nameof(ImportNumbers);
    public const string GetNumberHistory = nameof(GetNumberHistory);

    public const string ListPlatforms = nameof(ListPlatforms);

    public const string ScanNumber = nameof(ScanNumber);
    public const string ScanTenant = nameof(ScanTenant);
    public const string GetScan = nameof(GetScan);
    public const string ExpandScanRun = nameof(ExpandScanRun);
    public const string RecordPoisonedScanRun = nameof(RecordPoisonedScanRun);

    public const string GetPeakWindows = nameof(GetPeakWindows);
    public const string PutPeakWindows = nameof(PutPeakWindows);
    public const string PullSchedulesForward = nameof(PullSchedulesForward);
    public const string ScanPlannerTimer = nameof(ScanPlannerTimer);
    public const string PlanScanShard = nameof(PlanScanShard);
    public const string ReplanPoisonedShard = nameof(ReplanPoisonedShard);

    public const string LookupLabel = nameof(LookupLabel);
    public const string RecordPoisonedLookup = nameof(RecordPoisonedLookup);

    public const string CreateAppeal = nameof(CreateAppeal);
    public const string ListAppeals = nameof(ListAppeals);
    public const string GetAppeal = nameof(GetAppeal);
    public const string SubmitAppeal = nameof(SubmitAppeal);
    public const string WithdrawAppeal = nameof(WithdrawAppeal);
    public const string UpdateAppeal = nameof(UpdateAppeal);
    public const string ReopenAppeal = nameof(ReopenAppeal);
    public const string AppealSweepTimer = nameof(AppealSweepTimer);
    public const string PutAppealEvidence = nameof(PutAppealEvidence);
    public const string GetAppealEvidence = nameof(GetAppealEvidence);
    public const string DeleteAppealEvidence = nameof(DeleteAppealEvidence);
    public const string GetAppealReport = nameof(GetAppealReport);
    public const string DeleteAppeal = nameof(DeleteAppeal);

    public const string PutTenant = nameof(PutTenant);
    public const string GetTenant = nameof(GetTenant);
    public const string CreateTenantKey = nameof(CreateTenantKey);
    public const string ListTenantKeys = nameof(ListTenantKeys);
    public const string RevokeTenantKey = nameof(RevokeTenantKey);

    public const string CreateSubscription = nameof(CreateSubscription);
    public const string ListSubscriptions = nameof(ListSubscriptions);
    public const string GetSubscription = nameof(GetSubscription);
    public const string PutSubscription = nameof(PutSubscription);
    public const string DeleteSubscription = nameof(DeleteSubscription);
    public const string RotateSubscriptionSecret = nameof(RotateSubscriptionSecret);
    public const string TestSubscription = nameof(TestSubscription);

    public const string DispatchAlert = nameof(DispatchAlert);
    public const string DeliverAlert = nameof(DeliverAlert);
    public const string ListDeliveries = nameof(ListDeliveries);
    public const string RedeliverDelivery = nameof(RedeliverDelivery);
    public const string RecordPoisonedDelivery = nameof(RecordPoisonedDelivery);
    public const string RedispatchPoisonedAlert = nameof(RedispatchPoisonedAlert);

    public const string PostCallStats = nameof(PostCallStats);
    public const string GetCallStats = nameof(GetCallStats);
    public const string GetTrustSeries = nameof(GetTrustSeries);
    public const string GetTrustReport = nameof(GetTrustReport);
    public const string CreateReportLink = nameof(CreateReportLink);
    public const string ListReportLinks = nameof(ListReportLinks);
    public const string RevokeReportLink = nameof(RevokeReportLink);
    public const string PostPublicReport = nameof(PostPublicReport);

    public const string PutExpectation = nameof(PutExpectation);
    public const string GetExpectation = nameof(GetExpectation);
    public const string DeleteExpectation = nameof(DeleteExpectation);
    public const string CreateDisplayLabel = nameof(CreateDisplayLabel);
    public const string ListDisplayLabels = nameof(ListDisplayLabels);
    public const string DeleteDisplayLabel = nameof(DeleteDisplayLabel);
    public const string CreateDocument = nameof(CreateDocument);
    public const string ListDocuments = nameof(ListDocuments);
    public const string GetDocument = nameof(GetDocument);
    public const string PutDocument = nameof(PutDocument);
    public const string DeleteDocument = nameof(DeleteDocument);
    public const string UpkeepReminderTimer = nameof(UpkeepReminderTimer);

    public const string GetDigestSettings = nameof(GetDigestSettings);
    public const string PutDigestSettings = nameof(PutDigestSettings);
    public const string DigestTimer = nameof(DigestTimer);
    public const string ComposeDigest = nameof(ComposeDigest);

    public const string SendAppeal = nameof(SendAppeal);
    public const string GetAppealRoute = nameof(GetAppealRoute);
    public const string PutAppealRoute = nameof(PutAppealRoute);
    public const string ListUpkeepTasks = nameof(ListUpkeepTasks);
    public const string GetUpkeepTask = nameof(GetUpkeepTask);
    public const string CompleteUpkeepTask = nameof(CompleteUpkeepTask);
    public const string SnoozeUpkeepTask = nameof(SnoozeUpkeepTask);
    public const string GetUpkeepTaskSettings = nameof(GetUpkeepTaskSettings);
    public const string PutUpkeepTaskSettings = nameof(PutUpkeepTaskSettings);
    public const string GetAppealSettings = nameof(GetAppealSettings);
    public const string PutAppealSettings = nameof(PutAppealSettings);
    public const string ListCustomerReports = nameof(ListCustomerReports);
    public const string GetCustomerReportScreenshot = nameof(GetCustomerReportScreenshot);
}

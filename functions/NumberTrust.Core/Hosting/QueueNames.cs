namespace NumberTrust.Hosting;

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

    /// <summary>Events whose dispatch failed <c>maxDequeueCount</c> times; a function puts them back on <c>alerts</c> later.</summary>
    public const string AlertsPoison = Alerts + PoisonSuffix;

    /// <summary>One delivery attempt of one event to one subscription channel; retries are sent with a visibility delay.</summary>
    public const string Deliveries = "deliveries";

    /// <summary>Delivery attempts that failed <c>maxDequeueCount</c> times; a function marks their deliveries failed.</summary>
    public const string DeliveriesPoison = Deliveries + PoisonSuffix;

    /// <summary>One tenant's digest for one local date, queued by the digest timer.</summary>
    public const string Digests = "digests";

    /// <summary>One attempt of an Email or Api appeal's channel send (or one poll of the vendor's operation); retries carry a visibility delay.</summary>
    public const string AppealSends = "appeal-sends";

    /// <summary>Every queue the app produces to or consumes from (each also has a <c>-poison</c> twin); infra declares the same list.</summary>
    public static readonly IReadOnlyList<string> All = [ScanPlans, Lookups, ScanRuns, SchedulePulls, Alerts,
        Deliveries,
        Digests,
        AppealSends];
}

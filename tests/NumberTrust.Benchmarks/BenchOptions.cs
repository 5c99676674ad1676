/// <param name="FanOutMinutes">
/// 0: benchmark 3 plans the whole tick. Otherwise it stops planning after this many minutes and the raw loop sends as many
/// messages as the planner had enqueued by then (both rates over the same number of messages held by Azurite).
/// </param>
/// <param name="SeparateServices">
/// <c>--azurite-services separate</c>: Azurite's blob, queue and table services run as three Node.js processes instead of one
/// (each is single-threaded; in one process every table request takes the queue service's thread).
/// </param>
/// <param name="Deliveries">Events for benchmark 6, each delivered to 100 webhook subscriptions; 0 (the default) skips it.</param>
/// <param name="SharedScans">Numbers for benchmark 7, each scanned on demand by five tenants at once; 0 (the default) skips it.</param>
internal sealed record BenchOptions(int Jobs, int FanOutNumbers, int MemoryJobs, int StatusRequests, int AzuriteCosts, int FanOutMinutes, bool SeparateServices, int Deliveries, int SharedScans)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Get("--jobs", 3000), Get("--fanout-numbers", 10_000), Get("--memory-jobs", 10_000), Get("--status-requests", 3000), Get("--azurite-costs", 0), Get("--fanout-minutes", 0),
            Array.IndexOf(args, "--azurite-services") is var at && at >= 0 && at + 1 < args.Length
                ? args[at + 1] switch
                {
                    "separate" => true,
                    "combined" => false,
                    var other => throw new ArgumentException($"--azurite-services takes 'separate' or 'combined', not '{other}'."),
                }
                : false,
            Get("--deliveries", 0), Get("--shared-scans", 0));
    }
}

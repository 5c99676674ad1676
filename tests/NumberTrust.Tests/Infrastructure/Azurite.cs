using NumberTrust.Local.Azurite;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>
/// One Azurite per test run, on free loopback ports with in-memory persistence, started on first use and stopped when the test
/// process exits. A start-up failure (no node, no npm ci) is reported to every test that asks for it, with Azurite's output.
/// Tests isolate their data with a per-test storage prefix or tenant, never by sharing state.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<Task<AzuriteProcess>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<AzuriteProcess> GetAsync() => Instance.Value;

    public static async Task<string> ConnectionStringAsync() => (await GetAsync()).ConnectionString;

    private static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return azurite;
    }

    /// <summary>A fresh storage prefix (tables and queues) so a test's data never meets another test's.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Where the repository is (recorded at build time, since build output may live elsewhere).</summary>
public static class RepoPaths
{
    public static string Root { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Where(a => a.Key == "RepoRoot" && Directory.Exists(a.Value))
            .Select(a => Path.GetFullPath(a.Value!))
            .FirstOrDefault()
        ?? AzuriteProcess.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Cannot find the repo root (NumberTrust.Functions.sln).");
}

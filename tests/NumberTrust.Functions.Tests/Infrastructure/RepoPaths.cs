using System.Reflection;

namespace NumberTrust.Functions.Tests.Infrastructure;

/// <summary>Paths in the repository under test, from the RepoRoot recorded at build time (tests/Directory.Build.props).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string StandInProject => Path.Combine(Root, "functions", "NumberTrust.Functions.WorkerStandIn");

    public static string ApiList => Path.Combine(StandInProject, "functions-worker-api.txt");

    public static string FunctionsProject => Path.Combine(Root, "functions", "NumberTrust.Functions", "NumberTrust.Functions.csproj");

    public static string ProbeScript => Path.Combine(Root, "build", "worker-probe.sh");

    public static string ProbeProject => Path.Combine(Root, "build", "worker-probe", "WorkerProbe.csproj");

    public static string ProbeResultFile => Path.Combine(Root, "build", "worker-probe", "result.props");

    public static string PackagesProps => Path.Combine(Root, "Directory.Packages.props");

    private static string FindRoot()
    {
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (string.IsNullOrEmpty(recorded) || !File.Exists(Path.Combine(recorded, "Directory.Packages.props")))
        {
            throw new InvalidOperationException(
                $"RepoRoot assembly metadata '{recorded}' does not point at the repository; see tests/Directory.Build.props.");
        }

        return Path.GetFullPath(recorded);
    }
}

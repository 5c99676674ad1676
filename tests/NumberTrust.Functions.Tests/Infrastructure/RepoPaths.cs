using System.Reflection;

namespace NumberTrust.Functions.Tests.Infrastructure;

/// <summary>Paths in the repository under test, from the RepoRoot recorded at build time (tests/Directory.Build.props).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string FunctionsProject => Path.Combine(Root, "functions", "NumberTrust.Functions", "NumberTrust.Functions.csproj");

    public static string BuildConfiguration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BuildConfiguration").Value!;

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

using System.Reflection;

namespace NumberTrust.Infra.Tests;

/// <summary>Paths in the repository under test, found by walking up to NumberTrust.Functions.sln.</summary>
internal static class RepoPaths
{
    private const string SolutionFile = "NumberTrust.Functions.sln";

    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string MainBicep => Path.Combine(Infra, "main.bicep");

    public static string MainParameters => Path.Combine(Infra, "main.parameters.json");

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string AzdSchema => Path.Combine(ProjectDirectory, "Azd", "Schemas", "azure.yaml.json");

    private static string ProjectDirectory => Metadata("NumberTrust.Infra.Tests.ProjectDirectory");

    public static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; see NumberTrust.Infra.Tests.csproj.");

    private static string FindRoot()
    {
        // The build output may live outside the repo (NT_ARTIFACTS), so start from the project
        // folder recorded at build time, then from the current and base directories.
        var starts = new[] { ProjectDirectory, Directory.GetCurrentDirectory(), AppContext.BaseDirectory };
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder containing {SolutionFile} above any of: {string.Join(", ", starts)}.");
    }
}

using System.Text.Json;
using NumberTrust.Functions.Tests.Infrastructure;

namespace NumberTrust.Functions.Tests.Selection;

/// <summary>
/// The selection runs for real: build/worker-probe.sh restores the probe project from a folder source the
/// test controls, and NumberTrust.Functions is evaluated with the result it wrote. NuGet's package folder,
/// the build artifacts and the probe result all live in a temp folder, so fake packages never reach the
/// machine's cache and the repo's own build/worker-probe/result.props is never touched.
/// </summary>
[Collection(DotnetProcesses.Name)]
public sealed class WorkerSelectionTests : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan AppTimeout = TimeSpan.FromSeconds(180);

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Probe_selects_the_stand_in_when_the_source_lacks_the_worker_packages()
    {
        var resultFile = Path.Combine(temp.Path, "result.props");

        var probe = await RunProbeScriptAsync(source: temp.Sub("empty-source"), resultFile);

        Assert.True(probe.ExitCode == 0, probe.ToString());
        var line = Assert.Single(probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Functions worker: compile-only stand-in (real packages not restorable: NU1101: ", line, StringComparison.Ordinal);
        Assert.Contains("<FunctionsWorkerProbeResult>StandIn</FunctionsWorkerProbeResult>", File.ReadAllText(resultFile), StringComparison.Ordinal);

        var app = await EvaluateFunctionsProjectAsync(resultFile);
        Assert.Equal("StandIn", app.Mode);
        Assert.Equal("probe", app.Origin);
        Assert.Contains("NU1101", app.Reason, StringComparison.Ordinal);
        Assert.Empty(app.WorkerPackageReferences);
        Assert.Contains("NumberTrust.Functions.WorkerStandIn.csproj", app.ProjectReferences);
    }

    [Fact]
    public async Task Probe_selects_the_real_packages_when_the_source_serves_them()
    {
        var source = temp.Sub("fake-source");
        WorkerPackages.WriteFakes(source);
        var resultFile = Path.Combine(temp.Path, "result.props");

        var probe = await RunProbeScriptAsync(source, resultFile);

        Assert.True(probe.ExitCode == 0, probe.ToString());
        var line = Assert.Single(probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(
            $"Functions worker: real packages ({string.Join(", ", WorkerPackages.All.Select(p => $"{p.Id} {p.Version}"))})",
            line);
        Assert.Contains("<FunctionsWorkerProbeResult>Real</FunctionsWorkerProbeResult>", File.ReadAllText(resultFile), StringComparison.Ordinal);
        // The fakes went to the test's own package folder.
        Assert.All(WorkerPackages.All, p => Assert.True(
            Directory.Exists(Path.Combine(temp.Path, "packages", p.Id.ToLowerInvariant(), p.Version)),
            $"{p.Id} {p.Version} was not restored into the test's NUGET_PACKAGES."));

        var app = await EvaluateFunctionsProjectAsync(resultFile);
        Assert.Equal("Real", app.Mode);
        Assert.Equal("probe", app.Origin);
        Assert.Equal(WorkerPackages.All.Select(p => p.Id).Order(StringComparer.Ordinal), app.WorkerPackageReferences.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("NumberTrust.Functions.WorkerStandIn.csproj", app.ProjectReferences);
    }

    [Theory]
    [InlineData("Real", "StandIn", false)]
    [InlineData("StandIn", "Real", false)]
    [InlineData("StandIn", "Real", true)]
    public async Task An_explicit_mode_wins_over_the_cached_probe_result(string forced, string probed, bool asEnvironmentVariable)
    {
        var resultFile = Path.Combine(temp.Path, "result.props");
        File.WriteAllText(
            resultFile,
            $"<Project><PropertyGroup><FunctionsWorkerProbeResult>{probed}</FunctionsWorkerProbeResult><FunctionsWorkerProbeReason>test</FunctionsWorkerProbeReason></PropertyGroup></Project>");

        var app = await EvaluateFunctionsProjectAsync(resultFile, forced, asEnvironmentVariable);

        Assert.Equal(forced, app.Mode);
        Assert.Equal("property", app.Origin);
    }

    [Fact]
    public async Task Building_the_app_directly_before_any_probe_probes_and_asks_for_one_more_run()
    {
        var resultFile = Path.Combine(temp.Path, "result.props");
        string[] restore = ["restore", RepoPaths.FunctionsProject, "-nologo", $"-p:FunctionsWorkerProbeResultFile={resultFile}"];
        var artifacts = temp.Sub("artifacts");

        // The first run sees only an empty source and an empty package cache (on a machine whose source serves the worker
        // packages, the global cache holds them, and NuGet would take them from there), so the probe misses them ...
        var first = await DotnetProcess.DotnetAsync(
            restore,
            new Dictionary<string, string>
            {
                ["RestoreSources"] = temp.Sub("empty-source"), ["NUGET_PACKAGES"] = temp.Sub("empty-cache"), ["NT_ARTIFACTS"] = artifacts,
            },
            AppTimeout);

        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains("error NTFW002", first.Output, StringComparison.Ordinal);
        Assert.Contains("run the same command again", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error NU", first.Output, StringComparison.Ordinal);
        Assert.Contains("<FunctionsWorkerProbeResult>StandIn</FunctionsWorkerProbeResult>", File.ReadAllText(resultFile), StringComparison.Ordinal);

        // ... and the second, with the machine's own sources for the app's other packages, restores the stand-in
        // from the cached result without probing again.
        var second = await DotnetProcess.DotnetAsync(restore, new Dictionary<string, string> { ["NT_ARTIFACTS"] = artifacts }, AppTimeout);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("Functions worker:", second.Output, StringComparison.Ordinal);
        Assert.True(
            File.Exists(Path.Combine(artifacts, "obj", "NumberTrust.Functions.WorkerStandIn", "project.assets.json")),
            $"The stand-in was not restored as part of the app.\n{second}");
    }

    [Fact]
    public void Probe_project_references_exactly_the_worker_packages_the_app_references()
    {
        var app = System.Xml.Linq.XDocument.Load(RepoPaths.FunctionsProject).Descendants("PackageReference")
            .Select(e => (string)e.Attribute("Include")!);

        Assert.Equal(app.Order(StringComparer.Ordinal), WorkerPackages.All.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(5, WorkerPackages.All.Count);
    }

    private async Task<ProcessResult> RunProbeScriptAsync(string source, string resultFile) =>
        await DotnetProcess.RunAsync(
            "bash",
            [RepoPaths.ProbeScript, $"-p:FunctionsWorkerProbeResultFile={resultFile}"],
            new Dictionary<string, string>
            {
                // MSBuild reads environment variables as properties, so the probe's restore uses only this source.
                ["RestoreSources"] = source,
                ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "packages"),
                ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(temp.Path, "http-cache"),
                ["NT_ARTIFACTS"] = Path.Combine(temp.Path, "artifacts"),
            },
            ProbeTimeout);

    private async Task<AppEvaluation> EvaluateFunctionsProjectAsync(string resultFile, string? forcedMode = null, bool asEnvironmentVariable = false)
    {
        var arguments = new List<string>
        {
            "msbuild", RepoPaths.FunctionsProject, "-nologo", $"-p:FunctionsWorkerProbeResultFile={resultFile}",
            "-getProperty:FunctionsWorkerMode", "-getProperty:FunctionsWorkerModeOrigin", "-getProperty:FunctionsWorkerModeReason",
            "-getItem:PackageReference", "-getItem:ProjectReference",
        };
        var environment = new Dictionary<string, string> { ["NT_ARTIFACTS"] = Path.Combine(temp.Path, "artifacts") };
        if (forcedMode is not null && asEnvironmentVariable)
        {
            environment["FunctionsWorkerMode"] = forcedMode;
        }
        else if (forcedMode is not null)
        {
            arguments.Add($"-p:FunctionsWorkerMode={forcedMode}");
        }

        var result = await DotnetProcess.DotnetAsync(arguments, environment, ProbeTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        return AppEvaluation.Parse(result.StandardOutput);
    }

    private sealed record AppEvaluation(
        string Mode, string Origin, string Reason, IReadOnlyList<string> WorkerPackageReferences, IReadOnlyList<string> ProjectReferences)
    {
        public static AppEvaluation Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            var properties = document.RootElement.GetProperty("Properties");
            var items = document.RootElement.GetProperty("Items");
            return new AppEvaluation(
                properties.GetProperty("FunctionsWorkerMode").GetString()!,
                properties.GetProperty("FunctionsWorkerModeOrigin").GetString()!,
                properties.GetProperty("FunctionsWorkerModeReason").GetString()!,
                Identities(items, "PackageReference").Where(id => id.StartsWith("Microsoft.Azure.Functions.Worker", StringComparison.Ordinal)).ToList(),
                Identities(items, "ProjectReference").Select(Path.GetFileName).OfType<string>().ToList());
        }

        private static IEnumerable<string> Identities(JsonElement items, string name) =>
            items.TryGetProperty(name, out var list)
                ? list.EnumerateArray().Select(item => item.GetProperty("Identity").GetString()!)
                : [];
    }
}

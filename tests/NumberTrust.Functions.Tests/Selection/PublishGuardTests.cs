using NumberTrust.Functions.Tests.Infrastructure;

namespace NumberTrust.Functions.Tests.Selection;

/// <summary>
/// A stand-in build cannot run, so publishing it must fail before anything reaches the publish folder; with the
/// real packages the guard must stay out of the way. Both modes are forced, so every machine checks both.
/// </summary>
[Collection(DotnetProcesses.Name)]
public sealed class PublishGuardTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Dotnet_publish_with_the_stand_in_fails_with_the_reason_and_writes_no_publish_output()
    {
        var publishDir = Path.Combine(temp.Path, "publish");

        var result = await DotnetProcess.DotnetAsync(
            ["publish", RepoPaths.FunctionsProject, "-nologo", "-p:FunctionsWorkerMode=StandIn", "-o", publishDir],
            Environment(),
            Timeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error NTFW003: Publishing is blocked", result.Output, StringComparison.Ordinal);
        Assert.Contains("compile-only Azure Functions worker stand-in", result.Output, StringComparison.Ordinal);
        Assert.Contains("FunctionsWorkerMode=StandIn was set", result.Output, StringComparison.Ordinal);
        Assert.Contains("NuGet source serves the Azure Functions worker packages", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(publishDir), $"{publishDir} was created.\n{result}");
    }

    [Fact]
    public async Task Any_other_way_into_the_publish_pipeline_is_stopped_before_the_publish_folder()
    {
        var publishDir = Path.Combine(temp.Path, "publish") + Path.DirectorySeparatorChar;

        // msbuild -t:Publish does not set _IsPublishing; the guard on PrepareForPublish catches it.
        var result = await DotnetProcess.DotnetAsync(
            ["msbuild", RepoPaths.FunctionsProject, "-nologo", "-t:PrepareForPublish", "-p:FunctionsWorkerMode=StandIn", $"-p:PublishDir={publishDir}"],
            Environment(),
            Timeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error NTFW003: Publishing is blocked", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(publishDir), $"{publishDir} was created.\n{result}");
    }

    [Fact]
    public async Task The_guard_is_inactive_with_the_real_packages()
    {
        var result = await DotnetProcess.DotnetAsync(
            [
                "msbuild", RepoPaths.FunctionsProject, "-nologo", "-p:FunctionsWorkerMode=Real", "-p:_IsPublishing=true",
                "-t:_FunctionsWorkerPublishGuardEarly;FunctionsWorkerPublishGuard", "-getProperty:FunctionsWorkerPublishBlocked",
            ],
            Environment(),
            Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("false", result.StandardOutput.Trim());
        Assert.DoesNotContain("NTFW003", result.Output, StringComparison.Ordinal);
    }

    // Private artifacts: the publish attempt must not share obj/ with the developer's own builds.
    private Dictionary<string, string> Environment() => new() { ["NT_ARTIFACTS"] = Path.Combine(temp.Path, "artifacts") };
}

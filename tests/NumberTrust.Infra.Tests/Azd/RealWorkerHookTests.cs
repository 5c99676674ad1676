namespace NumberTrust.Infra.Tests.Azd;

/// <summary>
/// infra/hooks/require-real-worker.sh, the azd prepackage/predeploy hook, run against stand-in
/// probes (NT_WORKER_PROBE) so each verdict is known.
/// </summary>
public sealed class RealWorkerHookTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("nt-probe-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("Real Azure Functions worker packages: restorable")]
    [InlineData("functions-worker=real")]
    public async Task Hook_passes_when_the_probe_reports_the_real_packages(string probeOutput)
    {
        var result = await RunHookAsync(Probe($"echo '{probeOutput}'"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(probeOutput, result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Real Azure Functions worker packages: not restorable; the compile-only stand-in would be used")]
    [InlineData("functions-worker=stand-in")]
    [InlineData("real-worker-restorable=false")]
    [InlineData("probe finished")]
    public async Task Hook_refuses_when_the_probe_does_not_report_the_real_packages(string probeOutput)
    {
        var result = await RunHookAsync(Probe($"echo '{probeOutput}'"));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("refusing to package or deploy", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_refuses_when_the_probe_fails()
    {
        var result = await RunHookAsync(Probe("echo 'real packages'; exit 3"));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("exit code 3", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_refuses_when_the_probe_is_missing()
    {
        var result = await RunHookAsync(Path.Combine(_folder.FullName, "no-such-probe.sh"));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("not found", result.StandardError, StringComparison.Ordinal);
    }

    private string Probe(string body)
    {
        var path = Path.Combine(_folder.FullName, $"probe-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        return path;
    }

    private static Task<ProcessResult> RunHookAsync(string probe) =>
        ProcessRunner.RunAsync(
            "sh",
            [Path.Combine(RepoPaths.Infra, "hooks", "require-real-worker.sh")],
            RepoPaths.Root,
            new Dictionary<string, string> { ["NT_WORKER_PROBE"] = probe },
            TimeSpan.FromSeconds(30));
}

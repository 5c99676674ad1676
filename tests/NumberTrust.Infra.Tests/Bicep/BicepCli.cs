using System.Runtime.InteropServices;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// The bicep binary restored from the Azure.Bicep.CommandLine.linux-x64 package (see the
/// csproj), or the one named by BICEP_PATH on other platforms.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Executable.Value, arguments, RepoPaths.Root);

    private static string Locate()
    {
        var overridePath = Environment.GetEnvironmentVariable("BICEP_PATH");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return File.Exists(overridePath)
                ? overridePath
                : throw new FileNotFoundException($"BICEP_PATH points at {overridePath}, which does not exist.");
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException(
                "The restored bicep package is linux-x64 only; set BICEP_PATH to a bicep 0.49.2 binary on this platform.");
        }

        var packageRoot = RepoPaths.Metadata("NumberTrust.Infra.Tests.BicepPackageRoot");
        var path = Path.Combine(packageRoot, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"bicep not found at {path}; restore tests/NumberTrust.Infra.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        }

        // NuGet extraction does not always keep the execute bit.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using NumberTrust.Simulator;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>The built local host (NumberTrust.Local.dll) as a child process, for tests that kill it or need it exactly as users run it.</summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private LocalHostProcess(Process process) => _process = process;

    public static string Assembly { get; } =
        typeof(LocalHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LocalHostAssembly").Value!;

    /// <summary>Everything the host wrote to stdout and stderr so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public bool HasExited => _process.HasExited;

    /// <summary>The README's run command: demo mode in the Development environment on the given storage and port.</summary>
    public static LocalHostProcess StartDemo(string storageConnectionString, int port) =>
        Start(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["AzureWebJobsStorage"] = storageConnectionString,
                ["Urls"] = $"http://127.0.0.1:{port}",
            },
            "--Local:Demo=true");

    public static LocalHostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Assembly)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var host = new LocalHostProcess(Process.Start(start)!);
        host._process.OutputDataReceived += (_, e) => host.Add(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>
    /// The environment of a production-shaped host on <paramref name="port"/> against an already running emulator and the
    /// simulator's platforms: no planner tick fires and no pull-forward runs unless a test turns them back on.
    /// </summary>
    public static Dictionary<string, string> Environment(string connection, string prefix, int port, PlatformSimulator simulator)
    {
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Storage__Prefix"] = prefix,
            ["Local__StartAzurite"] = "false",
            ["Auth__AdminKey"] = ApiFactory.AdminKey,
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["ScanPlannerSchedule"] = "0 0 0 1 1 *",
            ["DigestSchedule"] = "0 0 0 1 1 *",
            ["UpkeepReminderSchedule"] = "0 0 0 1 1 *",
            ["AzureWebJobs.PlanScanShard.Disabled"] = "true",
            ["AzureWebJobs.PullSchedulesForward.Disabled"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (setting, value) in simulator.AdapterConfiguration())
        {
            environment[setting.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        return environment;
    }

    /// <summary>Creates a tenant through the admin API and sets the client's API key to a new key of it.</summary>
    public static async Task UseNewTenantAsync(HttpClient http, string tenantId)
    {
        http.DefaultRequestHeaders.Remove(NumberTrust.Hosting.ApiHeaders.ApiKey);
        http.DefaultRequestHeaders.Add(NumberTrust.Hosting.ApiHeaders.ApiKey, ApiFactory.AdminKey);
        Assert.True((await http.PutAsJsonAsync($"/api/admin/tenants/{tenantId}", new { name = tenantId })).IsSuccessStatusCode);
        var created = await http.PostAsJsonAsync($"/api/admin/tenants/{tenantId}/keys", new { });
        var key = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString();
        http.DefaultRequestHeaders.Remove(NumberTrust.Hosting.ApiHeaders.ApiKey);
        http.DefaultRequestHeaders.Add(NumberTrust.Hosting.ApiHeaders.ApiKey, key);
    }

    /// <summary>Waits until a line of the host's output satisfies <paramref name="match"/>; fails if the host exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            Assert.False(_process.HasExited, $"the local host exited (code {(_process.HasExited ? _process.ExitCode : 0)}) before {what}:\n{string.Join('\n', _lines.TakeLast(40))}");
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {timeout}:\n{string.Join('\n', _lines.TakeLast(40))}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the host answers its health endpoint with 200.</summary>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"the local host exited (code {(_process.HasExited ? _process.ExitCode : 0)}):\n{string.Join('\n', _lines.TakeLast(40))}");
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"the local host did not become healthy within {timeout}:\n{string.Join('\n', _lines.TakeLast(40))}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null && _lines.Count < 20_000)
        {
            _lines.Enqueue(line);
        }
    }
}

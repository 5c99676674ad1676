using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NumberTrust.Local.Azurite;

/// <summary>
/// Starts the Azurite storage emulator pinned in the repo's package.json (<c>node_modules/.bin/azurite</c>) on loopback ports,
/// waits until every service listens, and stops it on dispose. Used by the local host (when no emulator is running) and by tests.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteProcess(Process process, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>CPU time the Azurite process has used so far (user and kernel), for benchmarks that split cost between host and emulator.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>Finds the folder holding NumberTrust.Functions.sln above <paramref name="start"/>.</summary>
    public static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NumberTrust.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A free loopback port (the OS picks it; it is released before Azurite binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <param name="repoRoot">Repository root with node_modules installed (<c>npm ci</c>).</param>
    /// <param name="location">Data folder, or null for <c>--inMemoryPersistence</c>.</param>
    /// <param name="ports">Blob, queue and table ports, or null for free ports.</param>
    public static async Task<AzuriteProcess> StartAsync(
        string repoRoot, string? location, (int Blob, int Queue, int Table)? ports, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: {script} is missing. Run 'npm ci' in {repoRoot} (package.json pins the Azurite version).");
        }

        var (blob, queue, table) = ports ?? (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Azurite must not share our stdin: a host's console lifetime reading it would make Azurite see end-of-input and shut down.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = repoRoot,
        };
        foreach (var arg in new[]
                 {
                     script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        var output = new StringBuilder();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Azurite could not be started: 'node' is not on PATH ({e.Message}).", e);
        }

        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, output, blob, queue, table);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(IsListening(blob) && IsListening(queue) && IsListening(table)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var why = process.HasExited ? $"exited with code {process.ExitCode}" : "did not listen within 60 s";
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite {why} (ports {blob}/{queue}/{table}). Output:\n{azurite.Output}");
            }

            await Task.Delay(100, cancellationToken);
        }

        return azurite;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }
}

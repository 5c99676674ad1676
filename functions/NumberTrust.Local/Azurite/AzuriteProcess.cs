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

    private readonly IReadOnlyList<(string Service, Process Process)> _processes;
    private readonly StringBuilder _output;

    private AzuriteProcess(IReadOnlyList<(string Service, Process Process)> processes, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _processes = processes;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>The Node.js process id per service: <c>blob</c>, <c>queue</c>, <c>table</c>, or <c>all</c> when one process serves them.</summary>
    public IReadOnlyDictionary<string, int> ProcessIds => _processes.ToDictionary(p => p.Service, p => p.Process.Id, StringComparer.Ordinal);

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
    /// <param name="separateServices">
    /// Run blob, queue and table as three Node.js processes (Azurite's <c>azurite-blob</c>, <c>azurite-queue</c> and
    /// <c>azurite-table</c> entry points) instead of one. Azurite is single-threaded, so in one process a table request waits for
    /// the queue requests ahead of it and the other way round; in Azure the two services are separate scale units.
    /// </param>
    public static async Task<AzuriteProcess> StartAsync(
        string repoRoot, string? location, (int Blob, int Queue, int Table)? ports, CancellationToken cancellationToken, bool separateServices = false)
    {
        var dist = Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src");
        if (!File.Exists(Path.Combine(dist, "azurite.js")))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: {Path.Combine(dist, "azurite.js")} is missing. Run 'npm ci' in {repoRoot} (package.json pins the Azurite version).");
        }

        var (blob, queue, table) = ports ?? (FreePort(), FreePort(), FreePort());
        string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blobArgs = new[] { "--blobHost", "127.0.0.1", "--blobPort", Port(blob) };
        var queueArgs = new[] { "--queueHost", "127.0.0.1", "--queuePort", Port(queue) };
        var tableArgs = new[] { "--tableHost", "127.0.0.1", "--tablePort", Port(table) };
        var services = separateServices
            ? new[] { ("blob", Path.Combine(dist, "blob", "main.js"), blobArgs), ("queue", Path.Combine(dist, "queue", "main.js"), queueArgs), ("table", Path.Combine(dist, "table", "main.js"), tableArgs) }
            : new[] { ("all", Path.Combine(dist, "azurite.js"), blobArgs.Concat(queueArgs).Concat(tableArgs).ToArray()) };

        var output = new StringBuilder();
        var processes = new List<(string Service, Process Process)>();
        foreach (var (service, script, serviceArgs) in services)
        {
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // Azurite must not share our stdin: a host's console lifetime reading it would make Azurite see end-of-input and shut down.
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = repoRoot,
            };
            foreach (var arg in new[] { script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl" }.Concat(serviceArgs))
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

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                await new AzuriteProcess(processes, output, blob, queue, table).DisposeAsync();
                throw new InvalidOperationException($"Azurite could not be started: 'node' is not on PATH ({e.Message}).", e);
            }

            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add((service, process));
        }

        var azurite = new AzuriteProcess(processes, output, blob, queue, table);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(IsListening(blob) && IsListening(queue) && IsListening(table)))
        {
            var gone = processes.FirstOrDefault(p => p.Process.HasExited);
            if (gone.Process is not null || DateTime.UtcNow > deadline)
            {
                var why = gone.Process is not null ? $"({gone.Service}) exited with code {gone.Process.ExitCode}" : "did not listen within 60 s";
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
        foreach (var (_, process) in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }

            process.Dispose();
        }
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

using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Storage;

/// <summary>Logical table names; <see cref="StorageAccount.Table"/> applies the configured prefix.</summary>
public static class TableNames
{
    public const string Tenants = "Tenants";
    public const string ApiKeys = "ApiKeys";
    public const string Registrations = "Registrations";
    public const string Numbers = "Numbers";
    public const string ScheduleStatus = "ScheduleStatus";
    public const string ScanSchedule = "ScanSchedule";
    public const string ScanPositions = "ScanPositions";
    public const string ScanRuns = "ScanRuns";
    public const string UpkeepIdentities = "UpkeepIdentities";

    public const string Appeals = "Appeals";

    public const string Subscriptions = "Subscriptions";

    public const string PlatformPacing = "PlatformPacing";

    public const string Deliveries = "Deliveries";

    public const string UpkeepCallStats = "UpkeepCallStats";
    public const string UpkeepTrust = "UpkeepTrust";
    public const string UpkeepReports = "UpkeepReports";

    public const string Digests = "Digests";

    public const string UpkeepExpectations = "UpkeepExpectations";
    public const string UpkeepDisplayLabels = "UpkeepDisplayLabels";
    public const string UpkeepDocuments = "UpkeepDocuments";

    public const string UpkeepTasks = "UpkeepTasks";

    // One name per line from here on, so features adding tables do not touch the same line.
    public static readonly IReadOnlyList<string> All =
    [
        Tenants, ApiKeys, Registrations, Numbers, ScheduleStatus, ScanSchedule, ScanPositions, ScanRuns, UpkeepIdentities, Appeals, Subscriptions,
        PlatformPacing,
        Deliveries,
        UpkeepCallStats,
        UpkeepTrust,
        UpkeepReports,
        Digests,
        UpkeepExpectations,
        UpkeepDisplayLabels,
        UpkeepDocuments,
        UpkeepTasks,
    ];
}

/// <summary>Logical blob container names; <see cref="StorageAccount.Container"/> applies the configured prefix (lower-cased).</summary>
public static class ContainerNames
{
    /// <summary>Appeal evidence files, blob <c>{tenant}/{appeal id}/{kind}/{sha256}</c>.</summary>
    public const string Evidence = "appeal-evidence";

    /// <summary>Customer report screenshots, blob <c>{tenant}/{report id}</c>.</summary>
    public const string CustomerReports = "customer-reports";

    public static readonly IReadOnlyList<string> All = [Evidence, CustomerReports];
}

/// <summary>
/// The storage account the app keeps its data in: the same account as <c>AzureWebJobsStorage</c>, reached either through a
/// connection string (Azurite: <c>UseDevelopmentStorage=true</c> or an explicit connection string) or, in Azure, through
/// identity-based settings (<c>AzureWebJobsStorage__tableServiceUri</c>, <c>__queueServiceUri</c>, <c>__clientId</c>).
/// Clients are created once per table or queue and cached; each creates its table or queue when a request finds it missing.
/// Queue clients use base64 messages so the Functions queue trigger can read them.
/// </summary>
public sealed partial class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Optional prefix for every table and queue name, so tests and side-by-side environments never share data.</summary>
    public const string PrefixSetting = "Storage:Prefix";

    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueueClient> _rawQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BlobContainerClient> _containers = new(StringComparer.Ordinal);
    private readonly Uri? _blobUri;
    private readonly IReadOnlyList<HttpPipelinePolicy> _policies;
    private readonly string? _connectionString;
    private readonly Uri? _tableUri;
    private readonly Uri? _queueUri;
    private readonly TokenCredential? _credential;
    private readonly ILogger<StorageAccount> _logger;

    public StorageAccount(IConfiguration configuration, IEnumerable<StoragePipelinePolicy> policies, ILogger<StorageAccount>? logger = null)
    {
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<StorageAccount>.Instance;
        Prefix = configuration[PrefixSetting] ?? "";
        if (Prefix.Length > 0 && !IsValidPrefix(Prefix))
        {
            throw new InvalidOperationException($"{PrefixSetting} '{Prefix}' must start with a letter and hold only letters and digits (at most 20).");
        }

        _policies = policies.Select(p => p.Policy).ToList();
        var connectionString = configuration[ConnectionSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            _connectionString = connectionString;
            Tables = new TableServiceClient(connectionString, Options(new TableClientOptions(), null));
            Queues = new QueueServiceClient(connectionString, Options(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, null));
            Blobs = new BlobServiceClient(connectionString, Options(new BlobClientOptions(), null));
            return;
        }

        var section = configuration.GetSection(ConnectionSetting);
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(queueUri))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set {ConnectionSetting} to a connection string (UseDevelopmentStorage=true for Azurite) " +
                $"or set {ConnectionSetting}__tableServiceUri and {ConnectionSetting}__queueServiceUri for managed identity.");
        }

        _credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        _tableUri = new Uri(tableUri);
        _queueUri = new Uri(queueUri.TrimEnd('/') + "/");
        Tables = new TableServiceClient(_tableUri, _credential, Options(new TableClientOptions(), null));
        Queues = new QueueServiceClient(_queueUri, _credential, Options(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, null));
        // The host's own blobServiceUri setting; without it the blob endpoint is derived from the queue endpoint's account.
        _blobUri = new Uri((section["blobServiceUri"] is { Length: > 0 } blobUri ? blobUri : queueUri.Replace(".queue.", ".blob.", StringComparison.Ordinal)).TrimEnd('/') + "/");
        Blobs = new BlobServiceClient(_blobUri, _credential, Options(new BlobClientOptions(), null));
    }

    public string Prefix { get; }

    /// <summary>The table service, for creating tables (data access goes through <see cref="Table"/>).</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The queue service, for creating queues (data access goes through <see cref="Queue"/>).</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>The blob service, for creating containers (data access goes through <see cref="Container"/>).</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>A blob container client that creates its container when a request finds it missing.</summary>
    public BlobContainerClient Container(string logicalName) =>
        _containers.GetOrAdd(logicalName, static (name, self) => self.CreateContainerClient(self.ContainerName(name)), this);

    /// <summary>The physical container name for a logical one (container names are lower case).</summary>
    public string ContainerName(string logicalName) => (Prefix + logicalName).ToLowerInvariant();

    public TableClient Table(string logicalName) =>
        _tables.GetOrAdd(logicalName, static (name, self) => self.CreateTableClient(self.Prefix + name), this);

    /// <summary>A queue client that base64-encodes what it sends, as the Functions queue trigger expects.</summary>
    public QueueClient Queue(string logicalName) =>
        _queues.GetOrAdd(logicalName, static (name, self) => self.CreateQueueClient(self.QueueName(name), QueueMessageEncoding.Base64), this);

    /// <summary>A queue client that neither encodes nor decodes: for a listener that must see undecodable bodies itself.</summary>
    public QueueClient RawQueue(string logicalName) =>
        _rawQueues.GetOrAdd(logicalName, static (name, self) => self.CreateQueueClient(self.QueueName(name), QueueMessageEncoding.None), this);

    /// <summary>The physical queue name for a logical one (queue names are lower case).</summary>
    public string QueueName(string logicalName) => (Prefix + logicalName).ToLowerInvariant();

    private TableClient CreateTableClient(string table)
    {
        var options = Options(new TableClientOptions(), new CreateMissingPolicy(
            "TableNotFound", ct => Tables.CreateTableIfNotExistsAsync(table, ct), () => Log.Created(_logger, "table", table)));
        return _connectionString is not null
            ? new TableClient(_connectionString, table, options)
            : new TableClient(_tableUri!, table, _credential!, options);
    }

    private QueueClient CreateQueueClient(string queue, QueueMessageEncoding encoding)
    {
        var options = Options(new QueueClientOptions { MessageEncoding = encoding }, new CreateMissingPolicy(
            "QueueNotFound", ct => Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: ct), () => Log.Created(_logger, "queue", queue)));
        return _connectionString is not null
            ? new QueueClient(_connectionString, queue, options)
            : new QueueClient(new Uri(_queueUri!, queue), _credential!, options);
    }

    private BlobContainerClient CreateContainerClient(string container)
    {
        var options = Options(new BlobClientOptions(), new CreateMissingPolicy(
            "ContainerNotFound", ct => Blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: ct), () => Log.Created(_logger, "container", container)));
        return _connectionString is not null
            ? new BlobContainerClient(_connectionString, container, options)
            : new BlobContainerClient(new Uri(_blobUri!, container), _credential!, options);
    }

    private T Options<T>(T options, HttpPipelinePolicy? createMissing)
        where T : ClientOptions
    {
        if (createMissing is not null)
        {
            options.AddPolicy(createMissing, HttpPipelinePosition.PerCall);
        }

        foreach (var policy in _policies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return options;
    }

    private static bool IsValidPrefix(string prefix) =>
        prefix.Length <= 20 && char.IsAsciiLetter(prefix[0]) && prefix.All(char.IsAsciiLetterOrDigit);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Storage {Kind} {Name} was missing and has been created")]
        public static partial void Created(ILogger logger, string kind, string name);
    }
}

/// <summary>An Azure SDK pipeline policy added to every storage client (benchmarks count transactions with one).</summary>
public sealed record StoragePipelinePolicy(HttpPipelinePolicy Policy);

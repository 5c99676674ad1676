using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

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

    public static readonly IReadOnlyList<string> All = [Tenants, ApiKeys, Registrations, Numbers, ScheduleStatus, ScanSchedule, ScanPositions, ScanRuns];
}

/// <summary>
/// The storage account the app keeps its data in: the same account as <c>AzureWebJobsStorage</c>, reached either through a
/// connection string (Azurite: <c>UseDevelopmentStorage=true</c> or an explicit connection string) or, in Azure, through
/// identity-based settings (<c>AzureWebJobsStorage__tableServiceUri</c>, <c>__queueServiceUri</c>, <c>__clientId</c>).
/// Clients are created once and cached; queue clients use base64 messages so the Functions queue trigger can read them.
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Optional prefix for every table and queue name, so tests and side-by-side environments never share data.</summary>
    public const string PrefixSetting = "Storage:Prefix";

    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    public StorageAccount(IConfiguration configuration, IEnumerable<StoragePipelinePolicy> policies)
    {
        Prefix = configuration[PrefixSetting] ?? "";
        if (Prefix.Length > 0 && !IsValidPrefix(Prefix))
        {
            throw new InvalidOperationException($"{PrefixSetting} '{Prefix}' must start with a letter and hold only letters and digits (at most 20).");
        }

        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var rawQueueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        foreach (var policy in policies)
        {
            tableOptions.AddPolicy(policy.Policy, HttpPipelinePosition.PerRetry);
            queueOptions.AddPolicy(policy.Policy, HttpPipelinePosition.PerRetry);
            rawQueueOptions.AddPolicy(policy.Policy, HttpPipelinePosition.PerRetry);
        }

        var connectionString = configuration[ConnectionSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            Tables = new TableServiceClient(connectionString, tableOptions);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            RawQueues = new QueueServiceClient(connectionString, rawQueueOptions);
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

        TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        Tables = new TableServiceClient(new Uri(tableUri), credential, tableOptions);
        Queues = new QueueServiceClient(new Uri(queueUri), credential, queueOptions);
        RawQueues = new QueueServiceClient(new Uri(queueUri), credential, rawQueueOptions);
    }

    public string Prefix { get; }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>Queue clients that neither encode nor decode: for a listener that must see undecodable bodies itself.</summary>
    public QueueServiceClient RawQueues { get; }

    public TableClient Table(string logicalName) =>
        _tables.GetOrAdd(logicalName, static (name, self) => self.Tables.GetTableClient(self.Prefix + name), this);

    public QueueClient Queue(string logicalName) =>
        _queues.GetOrAdd(logicalName, static (name, self) => self.Queues.GetQueueClient(self.QueueName(name)), this);

    /// <summary>The physical queue name for a logical one (queue names are lower case).</summary>
    public string QueueName(string logicalName) => (Prefix + logicalName).ToLowerInvariant();

    private static bool IsValidPrefix(string prefix) =>
        prefix.Length <= 20 && char.IsAsciiLetter(prefix[0]) && prefix.All(char.IsAsciiLetterOrDigit);
}

/// <summary>An Azure SDK pipeline policy added to every storage client (benchmarks count transactions with one).</summary>
public sealed record StoragePipelinePolicy(HttpPipelinePolicy Policy);

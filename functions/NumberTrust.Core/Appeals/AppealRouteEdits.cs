using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>One platform's route as edited through the admin API: row <c>route|{platform}</c> in partition <c>_routes</c> of <c>Appeals</c>.</summary>
public sealed class AppealRouteEntity : ITableEntity
{
    /// <summary>Tenant ids start with a letter or digit, so this partition never meets a tenant's appeals.</summary>
    public const string Partition = "_routes";

    public const string RowPrefix = "route|";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    [IgnoreDataMember]
    public string Platform => RowKey[RowPrefix.Length..];

    public string? Channel { get; set; }

    public string? Url { get; set; }

    public string? EmailAddress { get; set; }

    public string? RequiredEvidence { get; set; }

    public string? OptionalEvidence { get; set; }

    public int? TurnaroundWorkingDays { get; set; }

    public int? FrequencyLimitDays { get; set; }

    public string? Language { get; set; }

    public string? ApiUrl { get; set; }

    public string? ApiAuthHeaderName { get; set; }

    public string? ApiSecretSetting { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public AppealRouteOptions Options => new()
    {
        Channel = Channel, Url = Url, EmailAddress = EmailAddress, RequiredEvidence = RequiredEvidence, OptionalEvidence = OptionalEvidence,
        TurnaroundWorkingDays = TurnaroundWorkingDays, FrequencyLimitDays = FrequencyLimitDays, Language = Language,
        ApiUrl = ApiUrl, ApiAuthHeaderName = ApiAuthHeaderName, ApiSecretSetting = ApiSecretSetting,
    };

    public static AppealRouteEntity Of(string platform, AppealRouteOptions o, DateTimeOffset at) => new()
    {
        RowKey = RowPrefix + platform,
        Channel = o.Channel, Url = o.Url, EmailAddress = o.EmailAddress, RequiredEvidence = o.RequiredEvidence, OptionalEvidence = o.OptionalEvidence,
        TurnaroundWorkingDays = o.TurnaroundWorkingDays, FrequencyLimitDays = o.FrequencyLimitDays, Language = o.Language,
        ApiUrl = o.ApiUrl, ApiAuthHeaderName = o.ApiAuthHeaderName, ApiSecretSetting = o.ApiSecretSetting, UpdatedAt = at,
    };
}

public enum RouteWriteOutcome
{
    Done,
    PreconditionFailed,
}

/// <summary>
/// The admin API's route edits: read and written in Table Storage with ETags, and kept in memory for <see cref="AppealRoutes.For"/>
/// (which every appeal read uses). This instance's writes apply at once; other instances pick them up within
/// <see cref="RefreshInterval"/> through <see cref="AppealRouteRefresher"/>.
/// </summary>
public sealed class AppealRouteEdits(StorageAccount storage)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, AppealRouteEntity> _edits = new(StringComparer.Ordinal);

    private TableClient Table => storage.Table(TableNames.Appeals);

    public AppealRouteEntity? Find(string platform) => _edits.TryGetValue(platform, out var edit) ? edit : null;

    /// <summary>The stored edit as it is now (for GET and the If-Match check), bypassing the in-memory copy.</summary>
    public async Task<AppealRouteEntity?> ReadAsync(string platform, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<AppealRouteEntity>(AppealRouteEntity.Partition, AppealRouteEntity.RowPrefix + platform, cancellationToken: cancellationToken);
        Remember(platform, row.HasValue ? row.Value : null);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// Replaces the platform's edit, guarded by <paramref name="ifMatch"/> (the ETag GET gave; <see cref="AppealRouteView.DefaultsETag"/>
    /// while nothing is stored) or, without one, by what was read just before.
    /// </summary>
    public async Task<(RouteWriteOutcome Outcome, AppealRouteEntity? Edit)> WriteAsync(
        string platform, AppealRouteOptions options, string? ifMatch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(platform, cancellationToken);
        var currentTag = current?.ETag.ToString() ?? AppealRouteView.DefaultsETag;
        if (ifMatch is not null && ifMatch != "*" && ifMatch != currentTag)
        {
            return (RouteWriteOutcome.PreconditionFailed, current);
        }

        var edit = AppealRouteEntity.Of(platform, options, now);
        try
        {
            var response = current is null
                ? await Table.AddEntityAsync(edit, cancellationToken)
                : await Table.UpdateEntityAsync(edit, current.ETag, TableUpdateMode.Replace, cancellationToken);
            edit.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException e) when (e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound())
        {
            return (RouteWriteOutcome.PreconditionFailed, await ReadAsync(platform, cancellationToken));
        }

        Remember(platform, edit);
        return (RouteWriteOutcome.Done, edit);
    }

    /// <summary>Loads every stored edit (start-up and every <see cref="RefreshInterval"/>).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<AppealRouteEntity>(TableKeys.WithPrefix(AppealRouteEntity.Partition, AppealRouteEntity.RowPrefix), cancellationToken: cancellationToken))
        {
            seen.Add(row.Platform);
            Remember(row.Platform, row);
        }

        foreach (var gone in _edits.Keys.Where(k => !seen.Contains(k)))
        {
            _edits.TryRemove(gone, out _);
        }
    }

    private void Remember(string platform, AppealRouteEntity? edit)
    {
        if (edit is null)
        {
            _edits.TryRemove(platform, out _);
        }
        else
        {
            _edits[platform] = edit;
        }
    }
}

/// <summary>Keeps <see cref="AppealRouteEdits"/> in step with Table Storage; a storage failure is logged and retried next round, never fatal.</summary>
public sealed partial class AppealRouteRefresher(AppealRouteEdits edits, StorageReadiness readiness, TimeProvider clock, ILogger<AppealRouteRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(AppealRouteEdits.RefreshInterval, clock);
        do
        {
            try
            {
                await edits.RefreshAsync(stoppingToken);
            }
            catch (RequestFailedException e)
            {
                Log.RefreshFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8020, Level = LogLevel.Warning, Message = "Appeal route edits could not be loaded ({Error}); retrying in a minute")]
        public static partial void RefreshFailed(ILogger logger, string error);
    }
}

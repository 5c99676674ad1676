using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tenants;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

public sealed class PeakWindowCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PeakWindow Sale = new("Sale", T0.AddDays(10), T0.AddDays(12));

    private readonly FakeTimeProvider _time = new(T0);
    private readonly TenantReads _reads = new();

    private async Task<(PeakWindowCache Cache, TableClient Tenants)> CreateAsync(TimeSpan duration, params PeakWindow[] windows)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build();
        var storage = new StorageAccount(configuration, [new StoragePipelinePolicy(_reads)]);
        var tenants = storage.Table(TableNames.Tenants);
        await tenants.CreateIfNotExistsAsync();
        await tenants.AddEntityAsync(new TenantEntity { RowKey = "acme", Name = "Acme", PeakWindows = PeakWindows.Serialize(windows) });
        _reads.Reset();
        var options = Microsoft.Extensions.Options.Options.Create(new SchedulingOptions { PeakWindowCacheDuration = duration });
        return (new PeakWindowCache(new TenantStore(storage, _time), _time, options), tenants);
    }

    private static Task SaveAsync(TableClient tenants, params PeakWindow[] windows) =>
        tenants.UpdateEntityAsync(
            new TableEntity(TenantEntity.Partition, "acme") { [nameof(TenantEntity.PeakWindows)] = PeakWindows.Serialize(windows) },
            Azure.ETag.All, TableUpdateMode.Merge);

    [Fact]
    public async Task Concurrent_callers_share_one_read_and_later_calls_within_the_duration_read_nothing()
    {
        var (cache, _) = await CreateAsync(TimeSpan.FromMinutes(1), Sale);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => cache.GetAsync("acme", CancellationToken.None))));
        _time.Advance(TimeSpan.FromSeconds(59));
        var later = await cache.GetAsync("acme", CancellationToken.None);

        Assert.All(results, r => Assert.Equal([Sale], r));
        Assert.Equal([Sale], later);
        Assert.Equal(1, _reads.Count);
    }

    [Fact]
    public async Task A_save_is_seen_once_the_duration_has_passed()
    {
        var (cache, tenants) = await CreateAsync(TimeSpan.FromMinutes(1), Sale);
        Assert.Equal([Sale], await cache.GetAsync("acme", CancellationToken.None));
        var moved = Sale with { Start = Sale.Start.AddDays(-5) };

        await SaveAsync(tenants, moved);
        var stale = await cache.GetAsync("acme", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var fresh = await cache.GetAsync("acme", CancellationToken.None);

        Assert.Equal([Sale], stale);
        Assert.Equal([moved], fresh);
        Assert.Equal(2, _reads.Count);
    }

    [Fact]
    public async Task Forget_makes_the_next_call_read_again()
    {
        var (cache, tenants) = await CreateAsync(TimeSpan.FromMinutes(1), Sale);
        await cache.GetAsync("acme", CancellationToken.None);

        await SaveAsync(tenants);
        cache.Forget("acme");

        Assert.Empty(await cache.GetAsync("acme", CancellationToken.None));
        Assert.Equal(2, _reads.Count);
    }

    [Fact]
    public async Task Unknown_tenants_and_unreadable_data_mean_no_windows()
    {
        var (cache, tenants) = await CreateAsync(TimeSpan.Zero);
        await tenants.UpdateEntityAsync(
            new TableEntity(TenantEntity.Partition, "acme") { [nameof(TenantEntity.PeakWindows)] = "{not json" }, Azure.ETag.All, TableUpdateMode.Merge);

        Assert.Empty(await cache.GetAsync("nobody", CancellationToken.None));
        Assert.Empty(await cache.GetAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task A_zero_duration_reads_every_time()
    {
        var (cache, _) = await CreateAsync(TimeSpan.Zero, Sale);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([Sale], await cache.GetAsync("acme", CancellationToken.None));
        }

        Assert.Equal(3, _reads.Count);
    }

    /// <summary>Counts point reads of tenant rows that reach storage.</summary>
    private sealed class TenantReads : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Path.Contains("Tenants(", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Labels;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>Creates the adapters of the enabled platforms once and hands them out by id.</summary>
public sealed partial class PlatformRegistry : IPlatformAdapterRegistry, IDisposable
{
    private readonly Dictionary<string, PlatformOptions> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPlatformAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public PlatformRegistry(
        PlatformIdSet ids, IOptionsMonitor<PlatformOptions> options, IHttpClientFactory httpClients, LabelTaxonomy taxonomy,
        TimeProvider time, ILoggerFactory loggers, PlatformPacers pacers)
    {
        _time = time;
        PlatformIds = ids.Ids;
        foreach (var id in ids.Ids)
        {
            var platformOptions = options.Get(id);
            _options[id] = platformOptions;
            var context = new PlatformContext(
                id, platformOptions, httpClients, taxonomy, time, loggers.CreateLogger("NumberTrust.Platforms." + id), pacers.For(id));
            _adapters[id] = Create(context);
        }

        EnabledIds = ids.Ids.Where(id => _options[id].IsEnabled).ToList();
    }

    public IReadOnlyList<string> PlatformIds { get; }

    public IReadOnlyList<string> EnabledIds { get; }

    public bool IsEnabled(string platformId) => _options.TryGetValue(platformId, out var o) && o.IsEnabled;

    public IPlatformAdapter? Find(string platformId) => IsEnabled(platformId) ? _adapters[platformId] : null;

    public IReadOnlyList<string> EnabledFor(CanonicalNumber number) =>
        EnabledIds.Where(id => _adapters[id].Covers(number)).ToList();

    public PlatformOptions Options(string platformId) =>
        _options.TryGetValue(platformId, out var options) ? options : throw new KeyNotFoundException($"Unknown platform '{platformId}'.");

    public Task<LookupResult> LookupAsync(string platformId, CanonicalNumber number, CancellationToken cancellationToken)
    {
        if (Find(platformId) is { } adapter)
        {
            return adapter.LookupAsync(number, cancellationToken);
        }

        var detail = _options.ContainsKey(platformId)
            ? $"Platform '{platformId}' is not enabled in this deployment."
            : $"Platform '{platformId}' is not configured in this deployment.";
        return Task.FromResult(LookupResult.Unknown(platformId, UnknownReason.NotConfigured, new LookupEvidence(null, null, null, _time.GetUtcNow()), detail));
    }

    /// <summary>Built-in ids first, then the configured JSON-adapter platforms in configuration order.</summary>
    public static IReadOnlyList<string> ConfiguredIds(IConfiguration configuration) =>
        NumberTrust.Platforms.PlatformIds.BuiltIn
            .Concat(configuration.GetSection(PlatformOptions.Section).GetChildren().Select(c => c.Key.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public static bool IsValidId(string id) => ValidId().IsMatch(id);

    private static IPlatformAdapter Create(PlatformContext context) => context.PlatformId switch
    {
        NumberTrust.Platforms.PlatformIds.Baidu => new BaiduAdapter(context),
        NumberTrust.Platforms.PlatformIds.BaiduHaoma => new BaiduHaomaAdapter(context),
        NumberTrust.Platforms.PlatformIds.Qihoo360 => new Qihoo360Adapter(context),
        NumberTrust.Platforms.PlatformIds.Sogou => new SogouAdapter(context),
        NumberTrust.Platforms.PlatformIds.Tencent => new TencentAdapter(context),
        NumberTrust.Platforms.PlatformIds.Telnyx => new TelnyxAdapter(context),
        NumberTrust.Platforms.PlatformIds.Nomorobo => new NomoroboAdapter(context),
        _ => new JsonApiAdapter(context),
    };

    public void Dispose()
    {
        foreach (var adapter in _adapters.Values.OfType<IDisposable>())
        {
            adapter.Dispose();
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ValidId();
}

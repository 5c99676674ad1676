using System.Collections.Concurrent;
using NumberTrust.Numbers;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>
/// A hand-written platform fake behind the pipeline's own <see cref="ILabelSource"/>: per number and platform a script of
/// observations (the last one repeats), optional failures, and a log of every call. Platform adapters themselves are tested
/// over HTTP against the platform simulator; this fake lets pipeline tests control exactly what a lookup returns.
/// </summary>
public sealed class ScriptedLabelSource : ILabelSource
{
    private readonly ConcurrentDictionary<(string Number, string Platform), Queue<Func<Observation>>> _scripts = new();
    private readonly ConcurrentQueue<(string Number, string Platform)> _calls = new();

    public ScriptedLabelSource(params string[] platforms)
    {
        Platforms = platforms.Length > 0 ? platforms : ["qihoo360", "baidu"];
    }

    public IReadOnlyList<string> Platforms { get; }

    public double Rate { get; set; } = 0;

    public IReadOnlyCollection<(string Number, string Platform)> Calls => _calls.ToArray();

    public int CallsFor(string number, string platform) => _calls.Count(c => c.Number == number && c.Platform == platform);

    public ScriptedLabelSource Script(string number, string platform, params Observation[] observations)
    {
        _scripts[(number, platform)] = new Queue<Func<Observation>>(observations.Select(o => (Func<Observation>)(() => o)));
        return this;
    }

    public ScriptedLabelSource Fail(string number, string platform, Exception exception)
    {
        _scripts[(number, platform)] = new Queue<Func<Observation>>([() => throw exception]);
        return this;
    }

    public IReadOnlyList<string> PlatformsFor(CanonicalNumber number) => Platforms;

    public bool IsEnabled(string platform) => Platforms.Contains(platform);

    public double RequestsPerSecond(string platform) => Rate;

    public Task<Observation> LookupAsync(string platform, CanonicalNumber number, CancellationToken cancellationToken)
    {
        _calls.Enqueue((number.E164, platform));
        if (!_scripts.TryGetValue((number.E164, platform), out var script))
        {
            return Task.FromResult(new Observation(ObservedState.Clean, EvidenceUrl: $"http://127.0.0.1/{platform}", EvidenceStatus: 200));
        }

        Func<Observation> next;
        lock (script)
        {
            next = script.Count > 1 ? script.Dequeue() : script.Peek();
        }

        return Task.FromResult(next());
    }

    public static Observation Labeled(string category, string text, int? count = null, string? source = null) =>
        new(ObservedState.Labeled, category, text, count, source, EvidenceUrl: "http://127.0.0.1/s", EvidenceStatus: 200, EvidenceExcerpt: text);

    public static Observation Clean() => new(ObservedState.Clean, EvidenceUrl: "http://127.0.0.1/s", EvidenceStatus: 200);

    public static Observation Unknown(string reason, TimeSpan? retryAfter = null) =>
        new(ObservedState.Unknown, UnknownReason: reason, RetryAfter: retryAfter, EvidenceUrl: "http://127.0.0.1/s", EvidenceStatus: 503);
}

using System.Collections.Concurrent;

namespace NumberTrust.Simulator;

/// <summary>Per-platform request counts of a simulator run.</summary>
public sealed record PlatformStats(long Requests, long Answered, long Faulted);

/// <summary>Scripts, lookup counters, appeals and faults, shared by the in-process API, the HTTP control API and the responders.</summary>
internal sealed class SimulatorState(int seed)
{
    public const string AllPlatforms = "*";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Platform, string Key), NumberScript> _scripts = [];
    private readonly Dictionary<(string Platform, string Key), int> _answered = [];
    private readonly HashSet<(string Platform, string Key)> _appealed = [];
    private readonly Dictionary<string, List<ActiveFault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _stats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Platform, string Agent), int> _agents = new();
    private Random _random = new(seed);

    public void Script(string platform, string number, NumberScript script)
    {
        lock (_gate)
        {
            var key = Digits(number);
            _scripts[(platform, key)] = script;
            // A new script starts a new timeline.
            foreach (var counted in _answered.Keys.Where(k => k.Key == key && (platform == AllPlatforms || k.Platform == platform)).ToList())
            {
                _answered.Remove(counted);
            }

            _appealed.RemoveWhere(a => a.Key == key && (platform == AllPlatforms || a.Platform == platform));
        }
    }

    public void MarkAppealed(string platform, string number)
    {
        lock (_gate)
        {
            var key = Match(platform, Digits(number))?.Key ?? Digits(number);
            if (platform == AllPlatforms)
            {
                foreach (var p in SimulatedPlatforms.BuiltIn.Concat(_faults.Keys).Distinct())
                {
                    _appealed.Add((p, key));
                }

                _appealed.Add((AllPlatforms, key));
            }
            else
            {
                _appealed.Add((platform, key));
            }
        }
    }

    /// <summary>The label the next answer shows for a number as requested, and counts the answer.</summary>
    public (SimLabel? Label, string? Layout) Answer(string platform, string requested, DateTimeOffset now)
    {
        lock (_gate)
        {
            var digits = Digits(requested);
            var match = Match(platform, digits);
            var key = match?.Key ?? digits;
            _answered.TryGetValue((platform, key), out var answered);
            _answered[(platform, key)] = answered + 1;
            if (match is not { } found)
            {
                return (null, null);
            }

            var appealed = _appealed.Contains((platform, key)) || _appealed.Contains((AllPlatforms, key));
            return (found.Script.Evaluate(answered, now, appealed), found.Script.Layout);
        }
    }

    /// <summary>What the next answer would show, without counting it.</summary>
    public (SimLabel? Label, string? Layout) Peek(string platform, string requested, DateTimeOffset now)
    {
        lock (_gate)
        {
            var match = Match(platform, Digits(requested));
            if (match is not { } found)
            {
                return (null, null);
            }

            var answered = _answered.GetValueOrDefault((platform, found.Key));
            var appealed = _appealed.Contains((platform, found.Key)) || _appealed.Contains((AllPlatforms, found.Key));
            return (found.Script.Evaluate(answered, now, appealed), found.Script.Layout);
        }
    }

    public int AnsweredLookups(string platform, string number)
    {
        lock (_gate)
        {
            var digits = Digits(number);
            var key = Match(platform, digits)?.Key ?? digits;
            return _answered.GetValueOrDefault((platform, key));
        }
    }

    public void AddFault(string platform, FaultSpec fault)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(platform, out var list))
            {
                _faults[platform] = list = [];
            }

            list.Add(new ActiveFault(fault, fault.Count));
        }
    }

    public void ClearFaults(string? platform)
    {
        lock (_gate)
        {
            if (platform is null)
            {
                _faults.Clear();
            }
            else
            {
                _faults.Remove(platform);
            }
        }
    }

    /// <summary>The faults that apply to this request, consuming counted ones. Latency faults come first; at most one other fault applies.</summary>
    public (TimeSpan Latency, FaultSpec? Fault, string? ForcedLayout) NextFaults(string platform)
    {
        lock (_gate)
        {
            var latency = TimeSpan.Zero;
            FaultSpec? chosen = null;
            string? layout = null;
            foreach (var list in new[] { platform, AllPlatforms }.Select(p => _faults.GetValueOrDefault(p)).OfType<List<ActiveFault>>())
            {
                foreach (var active in list.ToList())
                {
                    var isLayout = active.Spec.Kind == FaultKind.Layout;
                    var isLatency = active.Spec.Kind == FaultKind.Latency;
                    if (!isLayout && !isLatency && chosen is not null)
                    {
                        continue;
                    }

                    if (!Fires(active))
                    {
                        continue;
                    }

                    if (active.Remaining is { } remaining)
                    {
                        active.Remaining = remaining - 1;
                        if (active.Remaining <= 0)
                        {
                            list.Remove(active);
                        }
                    }

                    if (isLatency)
                    {
                        latency += active.Spec.Latency ?? TimeSpan.FromMilliseconds(500);
                    }
                    else if (isLayout)
                    {
                        layout = active.Spec.Layout;
                    }
                    else
                    {
                        chosen = active.Spec;
                    }
                }
            }

            return (latency, chosen, layout);
        }
    }

    public byte[] RandomBytes(int length)
    {
        lock (_gate)
        {
            var bytes = new byte[length];
            _random.NextBytes(bytes);
            return bytes;
        }
    }

    /// <summary>Logs when a request reached a platform, so tests can check spacing and rates as the platform sees them.</summary>
    public void Arrived(string platform, DateTimeOffset at, string userAgent)
    {
        _arrivals.GetOrAdd(platform, _ => new()).Enqueue(at);
        _agents.AddOrUpdate((platform, userAgent), 1, (_, n) => n + 1);
    }

    /// <summary>Requests per User-Agent, so a test running several clients can tell which of them called.</summary>
    public IReadOnlyDictionary<string, int> ArrivalsByAgent(string platform) =>
        _agents.Where(a => a.Key.Platform == platform).ToDictionary(a => a.Key.Agent, a => a.Value, StringComparer.Ordinal);

    public IReadOnlyList<DateTimeOffset> Arrivals(string platform) =>
        _arrivals.TryGetValue(platform, out var log) ? [.. log.Order()] : [];

    public void Count(string platform, bool faulted)
    {
        var counter = _stats.GetOrAdd(platform, _ => new Counter());
        Interlocked.Increment(ref counter.Requests);
        if (faulted)
        {
            Interlocked.Increment(ref counter.Faulted);
        }
        else
        {
            Interlocked.Increment(ref counter.Answered);
        }
    }

    public IReadOnlyDictionary<string, PlatformStats> Stats() =>
        _stats.ToDictionary(p => p.Key, p => new PlatformStats(Interlocked.Read(ref p.Value.Requests), Interlocked.Read(ref p.Value.Answered), Interlocked.Read(ref p.Value.Faulted)), StringComparer.Ordinal);

    public void Reset(int seed)
    {
        _arrivals.Clear();
        _agents.Clear();
        lock (_gate)
        {
            _scripts.Clear();
            _answered.Clear();
            _appealed.Clear();
            _faults.Clear();
            _stats.Clear();
            _random = new Random(seed);
        }
    }

    /// <summary>Digits only: E.164, national, dashed and URL-encoded forms of one number compare equal after matching.</summary>
    public static string Digits(string number)
    {
        var decoded = Uri.UnescapeDataString(number);
        return string.Concat(decoded.Where(char.IsAsciiDigit));
    }

    private bool Fires(ActiveFault active)
    {
        if (active.Remaining is <= 0)
        {
            return false;
        }

        return active.Spec.Probability is not { } probability || _random.NextDouble() < probability;
    }

    /// <summary>
    /// The script for a requested number: exact digits, or E.164 vs national forms (a national number is a suffix of the E.164
    /// digits, with or without the trunk prefix 0). Platform scripts win over "*" scripts.
    /// </summary>
    private (string Key, NumberScript Script)? Match(string platform, string digits)
    {
        foreach (var scope in new[] { platform, AllPlatforms })
        {
            foreach (var ((p, key), script) in _scripts)
            {
                if (p == scope && SameNumber(key, digits))
                {
                    return (key, script);
                }
            }
        }

        return null;
    }

    private static bool SameNumber(string scripted, string requested)
    {
        if (scripted == requested)
        {
            return true;
        }

        static bool Suffix(string longer, string shorter) => shorter.Length >= 7 && longer.Length > shorter.Length && longer.EndsWith(shorter, StringComparison.Ordinal);

        var requestedNoTrunk = requested.StartsWith('0') ? requested[1..] : requested;
        var scriptedNoTrunk = scripted.StartsWith('0') ? scripted[1..] : scripted;
        return Suffix(scripted, requested) || Suffix(scripted, requestedNoTrunk) || Suffix(requested, scripted) || Suffix(requested, scriptedNoTrunk) ||
               requestedNoTrunk == scriptedNoTrunk;
    }

    private sealed class ActiveFault(FaultSpec spec, int? remaining)
    {
        public FaultSpec Spec { get; } = spec;

        public int? Remaining { get; set; } = remaining;
    }

    private sealed class Counter
    {
        public long Requests;
        public long Answered;
        public long Faulted;
    }
}

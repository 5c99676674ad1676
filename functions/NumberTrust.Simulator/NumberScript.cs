using System.Text.Json.Serialization;

namespace NumberTrust.Simulator;

/// <summary>A label as a platform shows it.</summary>
/// <param name="Text">The platform's own label text (e.g. 骚扰电话, SCAM, Telemarketer). For the per-app vendor, <c>a|b</c> gives each app its own label.</param>
/// <param name="Count">Reporter count when the layout shows one.</param>
/// <param name="SourceApp">The app the mark is attributed to (Baidu: 百度手机卫士 or 电话邦).</param>
public sealed record SimLabel(string Text, int? Count = null, string? SourceApp = null);

/// <summary>One step of a number's timeline: from <see cref="AfterLookups"/> answered lookups on, and not before <see cref="At"/>, the number shows <see cref="Label"/> (null = clean).</summary>
public sealed record ScriptPhase(int AfterLookups = 0, DateTimeOffset? At = null, SimLabel? Label = null);

/// <summary>
/// What a number shows over time on a platform: a timeline of phases (the last one whose trigger has passed applies), the layout
/// variant to render, and whether a label clears after <see cref="PlatformSimulator.MarkAppealed"/>.
/// </summary>
public sealed record NumberScript(IReadOnlyList<ScriptPhase> Phases, string? Layout = null, bool ClearOnAppeal = true)
{
    public static NumberScript Clean() => new([new ScriptPhase()]);

    public static NumberScript Labeled(string text, int? count = null, string? sourceApp = null) => new([new ScriptPhase(Label: new SimLabel(text, count, sourceApp))]);

    /// <summary>A verified business name (百度号码认证's 企业认证 card): the number's displayed identity, not a label.</summary>
    public static NumberScript Certified(string displayName) => Labeled(displayName).WithLayout("verified");

    /// <summary>Becomes labeled once <paramref name="afterLookups"/> lookups were answered.</summary>
    public NumberScript ThenLabeled(int afterLookups, string text, int? count = null, string? sourceApp = null) =>
        this with { Phases = [.. Phases, new ScriptPhase(afterLookups, null, new SimLabel(text, count, sourceApp))] };

    /// <summary>Becomes labeled at a point in (simulator) time.</summary>
    public NumberScript ThenLabeledAt(DateTimeOffset at, string text, int? count = null, string? sourceApp = null) =>
        this with { Phases = [.. Phases, new ScriptPhase(0, at, new SimLabel(text, count, sourceApp))] };

    /// <summary>Becomes clean once <paramref name="afterLookups"/> lookups were answered.</summary>
    public NumberScript ThenClean(int afterLookups) => this with { Phases = [.. Phases, new ScriptPhase(afterLookups)] };

    public NumberScript WithLayout(string layout) => this with { Layout = layout };

    public NumberScript KeepAfterAppeal() => this with { ClearOnAppeal = false };

    /// <summary>The label shown for the next answer, given the lookups answered so far, the time and the appeal state.</summary>
    public SimLabel? Evaluate(int answeredLookups, DateTimeOffset now, bool appealed)
    {
        if (appealed && ClearOnAppeal)
        {
            return null;
        }

        SimLabel? current = null;
        foreach (var phase in Phases)
        {
            if (answeredLookups >= phase.AfterLookups && (phase.At is null || now >= phase.At))
            {
                current = phase.Label;
            }
        }

        return current;
    }
}

/// <summary>Kinds of injected faults.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
public enum FaultKind
{
    /// <summary>Delay, then answer normally (combines with other faults).</summary>
    Latency,
    /// <summary>429 with Retry-After.</summary>
    RateLimited,
    /// <summary>5xx (default 503).</summary>
    ServerError,
    /// <summary>Abort the connection without an answer.</summary>
    ConnectionReset,
    /// <summary>Send half the body under the full Content-Length, then abort.</summary>
    ResetMidBody,
    /// <summary>Hold the request open until the client gives up.</summary>
    Hang,
    /// <summary>The platform's captcha (redirect or page).</summary>
    Captcha,
    /// <summary>The platform's block page.</summary>
    Blocked,
    /// <summary>The normal answer cut in the middle (a complete HTTP response whose body is incomplete).</summary>
    Truncated,
    /// <summary>Random bytes under the normal content type.</summary>
    Garbled,
    /// <summary>200 with an empty body.</summary>
    Empty,
    /// <summary>A page or document from the platform in a layout no adapter knows, mentioning a mark.</summary>
    UnknownLayout,
    /// <summary>Force a layout variant (<see cref="FaultSpec.Layout"/>) for every number.</summary>
    Layout,
}

/// <summary>
/// A fault to inject on a platform: applies to the next <see cref="Count"/> requests, or to each request with
/// <see cref="Probability"/>, or (neither given) to every request until cleared.
/// </summary>
public sealed record FaultSpec(
    FaultKind Kind, int? Count = null, double? Probability = null, TimeSpan? Latency = null, TimeSpan? RetryAfter = null,
    int? Status = null, string? Layout = null, string? Variant = null);

using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Platforms;

namespace NumberTrust.Appeals;

/// <summary>How an appeal reaches a platform: a web form the operator fills in, an email, or a vendor's remediation API.</summary>
public enum AppealChannel
{
    Portal,
    Email,
    Api,
}

/// <summary>
/// A platform's appeal facts: channel, where to file, the evidence it asks for, how long it usually takes (in working days, so
/// "3 working days" stays exact), how often a number may be appealed, and the language the appeal text must be in.
/// </summary>
public sealed record AppealRoute(
    string Platform,
    AppealChannel Channel,
    string? Url,
    string? EmailAddress,
    IReadOnlyList<string> RequiredEvidence,
    IReadOnlyList<string> OptionalEvidence,
    int? TurnaroundWorkingDays,
    int? FrequencyLimitDays,
    string Language,
    string? Notes,
    string? ApiUrl = null,
    // Configuration detail for admins (GET /api/platforms/{platform}/appeal-route), not for tenants' platform list.
    [property: JsonIgnore] string? ApiAuthHeaderName = null,
    [property: JsonIgnore] string? ApiSecretSetting = null)
{
    /// <summary>When an appeal submitted at <paramref name="submittedAt"/> is past the typical turnaround (Saturdays and Sundays do not count).</summary>
    public DateTimeOffset? DueAt(DateTimeOffset submittedAt)
    {
        if (TurnaroundWorkingDays is not { } days)
        {
            return null;
        }

        var due = submittedAt;
        for (var left = days; left > 0;)
        {
            due = due.AddDays(1);
            if (due.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                left--;
            }
        }

        return due;
    }
}

/// <summary>Settings that override a platform's appeal facts, section <c>Appeals:Routes:&lt;platform&gt;</c>; unset fields keep the default.</summary>
public sealed class AppealRouteOptions
{
    /// <summary>Portal, Email or Api.</summary>
    public string? Channel { get; set; }

    public string? Url { get; set; }

    public string? EmailAddress { get; set; }

    /// <summary>Comma-separated evidence kinds (<see cref="EvidenceKinds"/>); an empty value means none.</summary>
    public string? RequiredEvidence { get; set; }

    /// <summary>Comma-separated evidence kinds; an empty value means none.</summary>
    public string? OptionalEvidence { get; set; }

    [Range(0, 365, ErrorMessage = "TurnaroundWorkingDays must be between 0 and 365.")]
    public int? TurnaroundWorkingDays { get; set; }

    /// <summary>One appeal per number per this many days; 0 turns the limit off.</summary>
    [Range(0, 3650, ErrorMessage = "FrequencyLimitDays must be between 0 and 3650.")]
    public int? FrequencyLimitDays { get; set; }

    /// <summary>The language of the appeal text (zh-CN or en-US).</summary>
    public string? Language { get; set; }

    /// <summary>Api channel: the vendor's remediation endpoint the appeal is POSTed to as JSON (absolute http(s) URL).</summary>
    public string? ApiUrl { get; set; }

    /// <summary>Api channel: the header that carries the secret (e.g. <c>Authorization</c>, <c>X-Api-Key</c>); empty = no auth header.</summary>
    public string? ApiAuthHeaderName { get; set; }

    /// <summary>Api channel: the name of the app setting holding the header's value (a Key Vault reference in Azure), never the secret itself.</summary>
    public string? ApiSecretSetting { get; set; }

    /// <summary>What is wrong with these overrides, by field: unknown channel, evidence kind or language, URLs that are not absolute.</summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (Channel is { } channel && (!Enum.TryParse<AppealChannel>(channel, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(channel, out _)))
        {
            yield return (nameof(Channel), $"'{Display.Shorten(channel)}' must be Portal, Email or Api.");
        }

        foreach (var (field, value) in new[] { (nameof(RequiredEvidence), RequiredEvidence), (nameof(OptionalEvidence), OptionalEvidence) })
        {
            foreach (var kind in AppealRoutes.SplitKinds(value).Where(k => !EvidenceKinds.IsKnown(k)))
            {
                yield return (field, $"holds '{Display.Shorten(kind)}', which is not one of {string.Join(", ", EvidenceKinds.All)}.");
            }
        }

        if (Language is { } language && !AppealRoutes.Languages.Contains(language))
        {
            yield return (nameof(Language), $"'{Display.Shorten(language)}' must be one of {string.Join(", ", AppealRoutes.Languages)}.");
        }

        if (Url is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            yield return (nameof(Url), $"'{Display.Shorten(url)}' is not an absolute URL.");
        }

        if (ApiUrl is { Length: > 0 } apiUrl && !AppealRoutes.IsHttpUrl(apiUrl))
        {
            yield return (nameof(ApiUrl), $"'{Display.Shorten(apiUrl)}' is not an absolute http or https URL.");
        }

        if (TurnaroundWorkingDays is < 0 or > 365)
        {
            yield return (nameof(TurnaroundWorkingDays), "must be between 0 and 365.");
        }

        if (FrequencyLimitDays is < 0 or > 3650)
        {
            yield return (nameof(FrequencyLimitDays), "must be between 0 and 3650.");
        }
    }
}

/// <summary>Section <c>Appeals</c>: per-platform overrides of the appeal facts.</summary>
public sealed class AppealsOptions
{
    public const string Section = "Appeals";

    public Dictionary<string, AppealRouteOptions> Routes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A submitted appeal the platform has not settled this many days after submission is closed as Expired.</summary>
    public int ExpireAfterDays { get; set; } = 60;

    /// <summary>How the Email and Api channels send and retry (<c>Appeals:Channels</c>).</summary>
    public AppealChannelOptions Channels { get; set; } = new();

    /// <summary>The response-time target: from the label's first sighting to the appeal's submission (the seeds' 12 hours).</summary>
    public TimeSpan ResponseTarget { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>Checks the overrides: known channels, evidence kinds, languages and absolute URLs, so a typo shows in health.</summary>
public sealed class AppealsOptionsValidator : IValidateOptions<AppealsOptions>
{
    public ValidateOptionsResult Validate(string? name, AppealsOptions options)
    {
        var problems = new List<string>();
        if (options.ExpireAfterDays is < 1 or > 3650)
        {
            problems.Add($"Appeals:ExpireAfterDays is {options.ExpireAfterDays}; it must be 1 to 3650 days.");
        }

        if (options.ResponseTarget < TimeSpan.FromMinutes(1) || options.ResponseTarget > TimeSpan.FromDays(30))
        {
            problems.Add($"Appeals:ResponseTarget is {options.ResponseTarget}; it must be 1 minute to 30 days.");
        }

        problems.AddRange(options.Channels.Problems());
        foreach (var (platform, route) in options.Routes)
        {
            problems.AddRange(route.Problems().Select(p => $"Appeals:Routes:{platform}:{p.Field} {p.Message}"));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>
/// The appeal facts of every platform: defaults from the facts sheet (docs/platforms.md, "Appeal channels"), overridden per field
/// by <c>Appeals:Routes:&lt;platform&gt;</c>, then by the admin API's edit (<see cref="AppealRouteEdits"/>). A platform the sheet has no channel for gets a Portal route without URL or limits,
/// noting the JSON adapter's <c>AppealChannel</c> setting when it has one.
/// </summary>
/// <remarks>Composed without <see cref="AppealRouteEdits"/> (a tool or test wiring only the platforms), routes are defaults and configuration.</remarks>
public sealed class AppealRoutes(
    IOptionsMonitor<AppealsOptions> options, IPlatformAdapterRegistry platforms, AppealRouteEdits? edits = null, Tenants.TenantStore? tenants = null)
{
    private static readonly long TargetCacheMs = 60_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TimeSpan? Own, long At)> _targets = new(StringComparer.Ordinal);

    /// <summary><c>Appeals:ResponseTarget</c>: how soon after a label's first sighting its appeal should be submitted.</summary>
    public TimeSpan ResponseTarget => options.CurrentValue.ResponseTarget;

    /// <summary>The tenant's own target (<c>PUT /api/appeal-settings</c>) or the default; read from the tenant row at most once a minute.</summary>
    public async Task<(TimeSpan Target, bool Own)> ResponseTargetAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (tenants is null)
        {
            return (ResponseTarget, false);
        }

        var now = Environment.TickCount64;
        if (!_targets.TryGetValue(tenantId, out var cached) || now - cached.At > TargetCacheMs)
        {
            var minutes = (await tenants.FindAsync(tenantId, cancellationToken))?.AppealResponseTargetMinutes;
            cached = (minutes is > 0 and var m ? TimeSpan.FromMinutes(m) : null, now);
            _targets[tenantId] = cached;
        }

        return cached.Own is { } own ? (own, true) : (ResponseTarget, false);
    }

    /// <summary>Drops this instance's cached target of a tenant after a change (other instances see it within a minute).</summary>
    public void ForgetResponseTarget(string tenantId) => _targets.TryRemove(tenantId, out _);

    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en-US"];

    private static readonly AppealRoute Baidu = new("baidu", AppealChannel.Portal, "https://haoma.baidu.com/appeal", null,
        [], [EvidenceKinds.OperatorBill, EvidenceKinds.IdCopy], 1, null, "zh-CN",
        "Web form: number, SMS code, reason. Same day at best.");

    private static readonly Dictionary<string, AppealRoute> Defaults = new(StringComparer.Ordinal)
    {
        [PlatformIds.Baidu] = Baidu,
        [PlatformIds.BaiduHaoma] = Baidu with { Platform = PlatformIds.BaiduHaoma },
        // "Appeal frequency is limited" without a figure: 7 days is this deployment's assumption, overridable.
        [PlatformIds.Qihoo360] = new(PlatformIds.Qihoo360, AppealChannel.Portal, "https://haomashensu.360.cn", null,
            [EvidenceKinds.BusinessLicence, EvidenceKinds.IdCopy], [EvidenceKinds.AuthorisationLetter, EvidenceKinds.OperatorBill], 3, 7, "zh-CN",
            "Identity or business documents; incomplete submissions are rejected. Within 3 working days."),
        [PlatformIds.Tencent] = new(PlatformIds.Tencent, AppealChannel.Portal, null, null,
            [EvidenceKinds.BusinessLicence, EvidenceKinds.IdCopy, EvidenceKinds.CallRecords], [EvidenceKinds.AuthorisationLetter], 5, null, "zh-CN",
            "No official public page; Tencent Cloud number-security service for enterprises. 1-5 working days (unofficial)."),
        [PlatformIds.Telnyx] = new(PlatformIds.Telnyx, AppealChannel.Api, "https://freecallerregistry.com", null,
            [EvidenceKinds.BusinessLicence], [EvidenceKinds.Screenshot, EvidenceKinds.CallRecords], 5, null, "en-US",
            "Telnyx remediation API (202 then poll); Hiya Call Reputation Review; Free Caller Registry. 3-5 business days."),
        [PlatformIds.Sogou] = new(PlatformIds.Sogou, AppealChannel.Portal, null, null, [], [], null, null, "zh-CN",
            "No appeal channel documented in the facts sheet."),
        [PlatformIds.Nomorobo] = new(PlatformIds.Nomorobo, AppealChannel.Portal, null, null, [], [], null, null, "en-US",
            "No appeal channel documented in the facts sheet."),
    };

    public AppealRoute For(string platform)
    {
        var route = Defaults.TryGetValue(platform, out var known)
            ? known
            : new AppealRoute(platform, AppealChannel.Portal, null, null, [], [], null, null, "en-US", ConfiguredNote(platform));
        if (options.CurrentValue.Routes.TryGetValue(platform, out var configured))
        {
            route = Apply(route, configured);
        }

        // Edits made through the admin API (Table Storage) come last: they are what an operator changed on purpose.
        return edits?.Find(platform) is { } edited ? Apply(route, edited.Options) : route;
    }

    /// <summary>The route without the admin API's edit: defaults overridden by <c>Appeals:Routes</c> only.</summary>
    public AppealRoute Configured(string platform)
    {
        var route = Defaults.TryGetValue(platform, out var known)
            ? known
            : new AppealRoute(platform, AppealChannel.Portal, null, null, [], [], null, null, "en-US", ConfiguredNote(platform));
        return options.CurrentValue.Routes.TryGetValue(platform, out var configured) ? Apply(route, configured) : route;
    }

    /// <summary>Overrides the set fields of <paramref name="o"/>; an empty text or 0 means "none", null keeps the route's value.</summary>
    public static AppealRoute Apply(AppealRoute route, AppealRouteOptions o) => route with
    {
        Channel = o.Channel is { } c && Enum.TryParse<AppealChannel>(c, ignoreCase: true, out var channel) ? channel : route.Channel,
        Url = o.Url is null ? route.Url : NullIfEmpty(o.Url),
        EmailAddress = o.EmailAddress is null ? route.EmailAddress : NullIfEmpty(o.EmailAddress),
        RequiredEvidence = o.RequiredEvidence is null ? route.RequiredEvidence : SplitKinds(o.RequiredEvidence),
        OptionalEvidence = o.OptionalEvidence is null ? route.OptionalEvidence : SplitKinds(o.OptionalEvidence),
        TurnaroundWorkingDays = o.TurnaroundWorkingDays is null ? route.TurnaroundWorkingDays : NullIfZero(o.TurnaroundWorkingDays.Value),
        FrequencyLimitDays = o.FrequencyLimitDays is null ? route.FrequencyLimitDays : NullIfZero(o.FrequencyLimitDays.Value),
        Language = o.Language ?? route.Language,
        ApiUrl = o.ApiUrl is null ? route.ApiUrl : NullIfEmpty(o.ApiUrl),
        ApiAuthHeaderName = o.ApiAuthHeaderName is null ? route.ApiAuthHeaderName : NullIfEmpty(o.ApiAuthHeaderName),
        ApiSecretSetting = o.ApiSecretSetting is null ? route.ApiSecretSetting : NullIfEmpty(o.ApiSecretSetting),
    };

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private string ConfiguredNote(string platform) =>
        platforms.PlatformIds.Contains(platform, StringComparer.Ordinal) && platforms.Options(platform).AppealChannel is { Length: > 0 } channel
            ? channel
            : "Not configured.";

    internal static IReadOnlyList<string> SplitKinds(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static int? NullIfZero(int value) => value == 0 ? null : value;
}

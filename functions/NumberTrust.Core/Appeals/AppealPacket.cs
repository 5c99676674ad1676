using System.Text;

namespace NumberTrust.Appeals;

/// <summary>One line of a platform's evidence checklist: the kind, whether the platform requires it, and whether it is uploaded.</summary>
public sealed record EvidenceCheck(string Kind, bool Required, bool Uploaded, string? Sha256);

/// <summary>
/// What the operator needs to file the appeal with the platform: the channel and where to go, the text in the platform's language,
/// the evidence checklist with what is still missing, the frequency limit and when the next appeal of the number is allowed.
/// </summary>
public sealed record AppealPacket(
    string Channel,
    string? Url,
    string? EmailAddress,
    string Language,
    string Text,
    IReadOnlyList<EvidenceCheck> Checklist,
    IReadOnlyList<string> MissingEvidence,
    int? FrequencyLimitDays,
    DateTimeOffset? NextAppealAllowedAt,
    int? TurnaroundWorkingDays,
    string? Notes)
{
    public static AppealPacket For(AppealEntity appeal, AppealRoute route, DateTimeOffset? lastSubmittedAt)
    {
        var evidence = appeal.Evidence;
        var checklist = route.RequiredEvidence.Select(k => (Kind: k, Required: true))
            .Concat(route.OptionalEvidence.Where(k => !route.RequiredEvidence.Contains(k)).Select(k => (Kind: k, Required: false)))
            .Concat(evidence.Keys.Where(k => !route.RequiredEvidence.Contains(k) && !route.OptionalEvidence.Contains(k)).Select(k => (Kind: k, Required: false)))
            .Select(c => new EvidenceCheck(c.Kind, c.Required, evidence.ContainsKey(c.Kind), evidence.TryGetValue(c.Kind, out var f) ? f.Sha256 : null))
            .ToList();
        var last = appeal.SubmittedAt ?? lastSubmittedAt;
        return new AppealPacket(
            route.Channel.ToString(), route.Url, route.EmailAddress, route.Language, TextOf(appeal, route.Language), checklist,
            MissingOf(appeal, route), route.FrequencyLimitDays,
            last is { } at && route.FrequencyLimitDays is { } days ? at.AddDays(days) : null,
            route.TurnaroundWorkingDays, route.Notes);
    }

    /// <summary>The platform's required evidence kinds that the appeal has not uploaded.</summary>
    public static IReadOnlyList<string> MissingOf(AppealEntity appeal, AppealRoute route)
    {
        var evidence = appeal.Evidence;
        return route.RequiredEvidence.Where(k => !evidence.ContainsKey(k)).ToList();
    }

    /// <summary>The appeal text in the platform's language (zh-CN or en-US), one labeled line per known fact.</summary>
    public static string TextOf(AppealEntity a, string language)
    {
        var chinese = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var lines = new (string Zh, string En, string? Value)[]
        {
            ("申诉号码", "Number", a.Number),
            ("当前标记", "Current label", a.LabelText),
            ("申诉理由", "Reason", a.Reason),
            ("单位名称", "Company", a.CompanyName),
            ("统一社会信用代码", "Registration id", a.RegistrationId),
            ("联系人", "Contact", a.ContactName),
            ("联系电话", "Phone", a.ContactPhone),
            ("电子邮箱", "Email", a.ContactEmail),
            ("情况说明", "Details", a.Text),
        };
        var text = new StringBuilder(chinese ? "号码标记申诉\n" : "Request to remove a caller-ID label\n");
        foreach (var (zh, en, value) in lines)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                text.Append(chinese ? zh : en).Append(chinese ? "：" : ": ").Append(value.Trim()).Append('\n');
            }
        }

        text.Append(chinese
            ? "该号码为本单位正常经营使用的号码，标记有误，恳请核实后予以取消。"
            : "This number is used by our business for legitimate calls; the label is wrong and we ask you to review and remove it.");
        return text.ToString();
    }
}

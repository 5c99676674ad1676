using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using NumberTrust.Hosting;
using NumberTrust.Platforms;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>The route of <c>/api/numbers/{number}/expectations/{platform}</c> beyond the number.</summary>
public sealed record PlatformRoute([property: Description("A platform id of GET /api/platforms.")] string Platform)
{
    public Validated<string> Parse(PlatformIdSet platforms)
    {
        var id = Platform.Trim();
        return platforms.IsKnown(id) ? id : Problems.Invalid("platform", $"'{Display.Shorten(Platform)}' is not a platform of GET /api/platforms.");
    }
}

/// <summary>Body of <c>PUT /api/numbers/{number}/expectations/{platform}</c>.</summary>
public sealed record ExpectationRequest(
    [property: Description("The authenticated name callers should see, e.g. 示例科技客服.")] string? DisplayName = null,
    [property: Description("Who certifies the name, as the platform states it (e.g. 企业认证); compared when the platform shows a source.")] string? CertificationProvider = null,
    [property: Description("Last day the certification is valid (yyyy-MM-dd); reminders go out 30 and 7 days before and on the day.")] string? CertificationExpires = null)
{
    public Validated<ExpectationInput> Parse()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = UpkeepInput.Text(DisplayName, "displayName", required: true, errors, max: 100);
        var provider = UpkeepInput.Text(CertificationProvider, "certificationProvider", required: false, errors, max: 100);
        var expires = UpkeepInput.Day(CertificationExpires, "certificationExpires", required: false, errors);
        return errors.Count > 0 ? Problems.Invalid(errors) : new ExpectationInput(name!, provider, expires);
    }
}

/// <summary>A checked expectation.</summary>
public sealed record ExpectationInput(string DisplayName, string? CertificationProvider, DateOnly? CertificationExpires);

/// <summary>A displayed identity as the API shows it.</summary>
public sealed record IdentityView(string DisplayName, string? VerificationSource, bool Certified)
{
    public static IdentityView? Of(DisplayedIdentity? identity) =>
        identity is null ? null : new(identity.DisplayName, identity.VerificationSource, identity.Certified);
}

/// <summary>An open DisplayMismatch episode: since when, why, and the event raised for it.</summary>
public sealed record MismatchView(DateTimeOffset Since, IReadOnlyList<string> Reasons, string? ShownName, string EventId);

/// <summary>An expectation as the API shows it, with what the platform last showed and the open mismatch, if any.</summary>
public sealed record ExpectationView(
    string Number, string Platform, string DisplayName, string? CertificationProvider, string? CertificationExpires, DateTimeOffset UpdatedAt,
    IdentityView? Shown, MismatchView? Mismatch)
{
    public static ExpectationView Of(ExpectationEntity entity, DisplayedIdentity? shown) => new(
        entity.Number, entity.Platform, entity.DisplayName, entity.CertificationProvider, entity.CertificationExpires, entity.UpdatedAt,
        IdentityView.Of(shown),
        entity is { MismatchSince: { } since, MismatchEventId: { } id }
            ? new MismatchView(since, (entity.MismatchReasons ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), entity.MismatchShownName, id)
            : null);
}

/// <summary>Body of <c>POST /api/numbers/{number}/display-labels</c>.</summary>
public sealed record PlannedLabelRequest(
    [property: Description("A platform id of GET /api/platforms.")] string? Platform = null,
    [property: Description("The name callers should see during the window, e.g. 示例商城-双11专线.")] string? Label = null,
    [property: Description("First day the platform should show it (yyyy-MM-dd, tenant time zone).")] string? Start = null,
    [property: Description("Last day the platform should show it (yyyy-MM-dd, tenant time zone).")] string? End = null)
{
    /// <summary>A campaign label is temporary; a window longer than this is a typo or a new expectation.</summary>
    public const int MaxWindowDays = 366;

    public Validated<(string Platform, string Label, DateOnly Start, DateOnly End)> Parse(PlatformIdSet platforms)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var platform = UpkeepInput.Text(Platform, "platform", required: true, errors, max: 64);
        if (platform is not null && !platforms.IsKnown(platform))
        {
            errors["platform"] = [$"'{Display.Shorten(platform)}' is not a platform of GET /api/platforms."];
        }

        var label = UpkeepInput.Text(Label, "label", required: true, errors, max: 100);
        var start = UpkeepInput.Day(Start, "start", required: true, errors);
        var end = UpkeepInput.Day(End, "end", required: true, errors);
        if (start is { } s && end is { } e && (e < s || e.DayNumber - s.DayNumber >= MaxWindowDays))
        {
            errors["end"] = [e < s ? "end must not be before start." : $"A window spans at most {MaxWindowDays} days."];
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : (platform!, label!, start!.Value, end!.Value);
    }
}

/// <summary>A planned display label as the API shows it.</summary>
public sealed record PlannedLabelView(string Id, string Number, string Platform, string Label, string Start, string End, DateTimeOffset CreatedAt)
{
    public static PlannedLabelView Of(PlannedLabelEntity entity) =>
        new(entity.Id, entity.Number, entity.Platform, entity.Label, entity.Start, entity.End, entity.CreatedAt);
}

/// <summary>The answer of <c>GET /api/numbers/{number}/display-labels</c>.</summary>
public sealed record PlannedLabelList(string Number, IReadOnlyList<PlannedLabelView> Items);

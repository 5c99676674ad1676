using System.ComponentModel;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>
/// Which tasks a tenant's maintenance calendar generates and when they are due: the weekly review on <see cref="WeeklyDay"/>,
/// the quarterly review on day <see cref="QuarterlyDay"/> of a quarter's first month, the yearly renewal
/// <see cref="YearlyLeadDays"/> days ahead of its date.
/// </summary>
public sealed record UpkeepTaskSettings(
    bool Weekly, DayOfWeek WeeklyDay, bool Quarterly, int QuarterlyDay, bool Yearly, int YearlyLeadDays)
{
    public static readonly UpkeepTaskSettings Default = new(true, DayOfWeek.Monday, true, 15, true, 30);
}

/// <summary>Body of <c>PUT /api/upkeep/task-settings</c>; a field left out takes its default.</summary>
public sealed record UpkeepTaskSettingsRequest(
    [property: Description("Generate the weekly review (default true).")] bool? Weekly = null,
    [property: Description("Its day, in English (default Monday).")] string? WeeklyDay = null,
    [property: Description("Generate the quarterly label and document review (default true).")] bool? Quarterly = null,
    [property: Description("Its day of the quarter's first month, 1 to 28 (default 15).")] int? QuarterlyDay = null,
    [property: Description("Generate the yearly renewal (default true).")] bool? Yearly = null,
    [property: Description("Days before the renewal date the task appears, 1 to 90 (default 30).")] int? YearlyLeadDays = null)
{
    public Validated<UpkeepTaskSettings> Parse()
    {
        var defaults = UpkeepTaskSettings.Default;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var day = defaults.WeeklyDay;
        if (WeeklyDay is { } text && (!Enum.TryParse(text, ignoreCase: true, out day) || !Enum.IsDefined(day) || int.TryParse(text, out _)))
        {
            errors["weeklyDay"] = ["weeklyDay must be a day of the week in English, e.g. Monday."];
        }

        if (QuarterlyDay is < 1 or > 28)
        {
            errors["quarterlyDay"] = ["quarterlyDay must be from 1 to 28."];
        }

        if (YearlyLeadDays is < 1 or > 90)
        {
            errors["yearlyLeadDays"] = ["yearlyLeadDays must be from 1 to 90."];
        }

        return errors.Count > 0
            ? Problems.Invalid(errors)
            : new UpkeepTaskSettings(
                Weekly ?? true, day, Quarterly ?? true, QuarterlyDay ?? defaults.QuarterlyDay, Yearly ?? true, YearlyLeadDays ?? defaults.YearlyLeadDays);
    }
}

/// <summary>The settings as the API shows them.</summary>
public sealed record UpkeepTaskSettingsView(bool Weekly, string WeeklyDay, bool Quarterly, int QuarterlyDay, bool Yearly, int YearlyLeadDays)
{
    public static UpkeepTaskSettingsView Of(UpkeepTaskSettings s) => new(s.Weekly, s.WeeklyDay.ToString(), s.Quarterly, s.QuarterlyDay, s.Yearly, s.YearlyLeadDays);
}

/// <summary>The storage form: a JSON string property of <see cref="TenantEntity"/>, absent until the tenant saves its own.</summary>
public static class UpkeepTaskSettingsJson
{
    public static UpkeepTaskSettings Of(TenantEntity tenant)
    {
        if (tenant.UpkeepTaskSettings is not { Length: > 0 } json)
        {
            return UpkeepTaskSettings.Default;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<UpkeepTaskSettingsRequest>(json, ApiJson.Options)?.Parse();
            return parsed is { IsValid: true } ok ? ok.Value : UpkeepTaskSettings.Default;
        }
        catch (JsonException)
        {
            return UpkeepTaskSettings.Default;
        }
    }

    public static string Serialize(UpkeepTaskSettings s) => JsonSerializer.Serialize(
        new UpkeepTaskSettingsRequest(s.Weekly, s.WeeklyDay.ToString(), s.Quarterly, s.QuarterlyDay, s.Yearly, s.YearlyLeadDays), ApiJson.Options);
}

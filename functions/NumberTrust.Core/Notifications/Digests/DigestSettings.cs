using System.Globalization;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Digests;

/// <summary>
/// When a tenant's daily digest is due: <see cref="LocalTime"/> in <see cref="TimeZone"/> (IANA id), and whether an
/// "all clear" goes out on <see cref="AllClearDay"/> of weeks with nothing to say.
/// </summary>
public sealed record DigestSettings(bool Enabled, string LocalTime, string TimeZone, bool WeeklyAllClear, DayOfWeek AllClearDay)
{
    public static readonly DigestSettings Default = new(true, "09:00", "Asia/Shanghai", false, DayOfWeek.Monday);

    public TimeOnly Time => TimeOnly.ParseExact(LocalTime, "HH:mm", CultureInfo.InvariantCulture);

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The tenant's local date at <paramref name="now"/> and whether that date's digest time has passed.</summary>
    public (DateOnly LocalDate, bool Due) DueAt(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        return (DateOnly.FromDateTime(local.DateTime), Enabled && TimeOnly.FromDateTime(local.DateTime) >= Time);
    }
}

/// <summary>Body of <c>PUT /api/digest-settings</c>; a field left out takes its default.</summary>
public sealed record DigestSettingsRequest(
    bool? Enabled = null, string? LocalTime = null, string? TimeZone = null, bool? WeeklyAllClear = null, string? AllClearDay = null)
{
    public Validated<DigestSettings> Parse()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var time = LocalTime ?? DigestSettings.Default.LocalTime;
        if (!TimeOnly.TryParseExact(time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors["localTime"] = ["localTime must be a time of day as HH:mm (24-hour), e.g. 09:00."];
        }

        var zone = TimeZone ?? DigestSettings.Default.TimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) || !found.HasIanaId)
        {
            errors["timeZone"] = [$"'{zone}' is not an IANA time zone id (e.g. Asia/Shanghai, America/New_York)."];
        }

        var day = DigestSettings.Default.AllClearDay;
        if (AllClearDay is { } text && (!Enum.TryParse(text, ignoreCase: true, out day) || !Enum.IsDefined(day) || int.TryParse(text, out _)))
        {
            errors["allClearDay"] = ["allClearDay must be a day of the week in English, e.g. Monday."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return new DigestSettings(Enabled ?? true, time, found!.Id, WeeklyAllClear ?? false, day);
    }
}

/// <summary>The digest settings as the API shows them.</summary>
public sealed record DigestSettingsView(bool Enabled, string LocalTime, string TimeZone, bool WeeklyAllClear, string AllClearDay)
{
    public static DigestSettingsView Of(DigestSettings settings) =>
        new(settings.Enabled, settings.LocalTime, settings.TimeZone, settings.WeeklyAllClear, settings.AllClearDay.ToString());
}

/// <summary>The storage form: a JSON string property of <see cref="TenantEntity"/>, absent until the tenant saves its own.</summary>
public static class DigestSettingsJson
{
    public static DigestSettings Of(TenantEntity tenant)
    {
        if (tenant.DigestSettings is not { Length: > 0 } json)
        {
            return DigestSettings.Default;
        }

        try
        {
            // A row that no longer parses (a zone the OS dropped) falls back to the defaults rather than stopping every digest.
            var parsed = JsonSerializer.Deserialize<DigestSettingsRequest>(json, ApiJson.Options)?.Parse();
            return parsed is { IsValid: true } ok ? ok.Value : DigestSettings.Default;
        }
        catch (JsonException)
        {
            return DigestSettings.Default;
        }
    }

    public static string Serialize(DigestSettings settings) =>
        JsonSerializer.Serialize(new DigestSettingsRequest(settings.Enabled, settings.LocalTime, settings.TimeZone, settings.WeeklyAllClear, settings.AllClearDay.ToString()), ApiJson.Options);
}

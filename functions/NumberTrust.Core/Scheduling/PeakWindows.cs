using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using NumberTrust.Tenants;

namespace NumberTrust.Scheduling;

/// <summary>
/// A period, set by a tenant, in which its numbers on <c>auto</c> cadence are scanned daily (a campaign, a season). Half-open:
/// a window contains <see cref="Start"/> but not <see cref="End"/>. Times keep the offset the tenant wrote them with.
/// </summary>
public sealed record PeakWindow(string? Name, DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;
}

/// <summary>Body of <c>PUT /api/peak-windows</c>: the tenant's complete list of windows (an empty list clears them).</summary>
public sealed record PeakWindowsRequest(IReadOnlyList<PeakWindowRequest?>? Windows);

/// <summary>One window as a client writes it: ISO 8601 date-times with an offset, e.g. <c>2026-11-01T00:00:00+08:00</c>.</summary>
public sealed record PeakWindowRequest(string? Name = null, string? Start = null, string? End = null);

public sealed record PeakWindowsView(IReadOnlyList<PeakWindow> Windows);

/// <summary>Validation of a tenant's peak windows, and their storage form (a JSON string property of <see cref="TenantEntity"/>).</summary>
public static partial class PeakWindows
{
    public const int MaxWindows = 50;
    public const int MaxNameLength = 100;
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(92);

    /// <summary>A table string property holds 64 KiB (32 K UTF-16 characters); stay below it with room to spare.</summary>
    public const int MaxStoredChars = 30_000;

    // Names are stored unescaped (CJK stays one character), which keeps 50 windows far below the property limit.
    private static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>ISO 8601 extended date-time with a mandatory offset: a time without one would be read in the server's zone.</summary>
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    /// <summary>
    /// Validates a request; returns the windows that are not over yet (windows wholly before <paramref name="now"/> are dropped),
    /// ordered by start, or the errors per field (<c>windows[2].end</c>).
    /// </summary>
    public static (IReadOnlyList<PeakWindow>? Windows, Dictionary<string, string[]> Errors) From(PeakWindowsRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Windows is not { } raw)
        {
            errors["windows"] = ["The list of windows is required (an empty list clears them)."];
            return (null, errors);
        }

        if (raw.Count > MaxWindows)
        {
            errors["windows"] = [$"At most {MaxWindows} windows are allowed."];
            return (null, errors);
        }

        var windows = new List<PeakWindow>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var field = $"windows[{i}]";
            if (raw[i] is not { } item)
            {
                errors[field] = ["A window is an object with start and end (and optionally name)."];
                continue;
            }

            var name = CleanName(item.Name, field + ".name", errors);
            var start = ParseTime(item.Start, field + ".start", errors);
            var end = ParseTime(item.End, field + ".end", errors);
            if (start is null || end is null)
            {
                continue;
            }

            if (end <= start)
            {
                errors[field + ".end"] = ["The end must be after the start."];
            }
            else if (end.Value - start.Value > MaxLength)
            {
                errors[field + ".end"] = [$"A window lasts at most {MaxLength.TotalDays:0} days."];
            }
            else
            {
                windows.Add(new PeakWindow(name, start.Value, end.Value));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var kept = windows.Where(w => w.End > now).OrderBy(w => w.Start).ThenBy(w => w.End).ToList();
        if (Serialize(kept).Length > MaxStoredChars)
        {
            errors["windows"] = ["The windows are too large to store; use shorter names."];
            return (null, errors);
        }

        return (kept, errors);
    }

    public static string Serialize(IEnumerable<PeakWindow> windows) => JsonSerializer.Serialize(windows.ToArray(), StorageJson);

    /// <summary>The windows stored on a tenant; unreadable or absent data means none (the planner must never fail on it).</summary>
    public static IReadOnlyList<PeakWindow> Of(TenantEntity? tenant)
    {
        if (string.IsNullOrEmpty(tenant?.PeakWindows))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<PeakWindow?[]>(tenant.PeakWindows, StorageJson)?.OfType<PeakWindow>().ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static DateTimeOffset? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            errors[field] = ["Required: an ISO 8601 date-time with an offset, e.g. 2026-11-01T00:00:00+08:00."];
            return null;
        }

        var text = value.Trim();
        if (text.Length > 40 || !DateTimePattern().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            errors[field] = [$"'{Shorten(value)}' is not an ISO 8601 date-time with an offset, e.g. 2026-11-01T00:00:00+08:00 or 2026-11-01T00:00:00Z."];
            return null;
        }

        return instant;
    }

    private static string? CleanName(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Normalize(NormalizationForm.FormC).Trim();
        if (text.Length > MaxNameLength)
        {
            errors[field] = [$"At most {MaxNameLength} characters."];
            return null;
        }

        if (text.Any(char.IsControl))
        {
            errors[field] = ["Control characters are not allowed."];
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Hosting;
using NumberTrust.Numbers;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>Checks a batch of daily call outcomes (JSON array or CSV) once; an error names the element or line and the field.</summary>
public static class CallStatsInput
{
    /// <summary>Most days one request may carry (a year and a month of backfill).</summary>
    public const int MaxDays = 400;

    /// <summary>Most calls one day may claim; keeps the detector's exact arithmetic far from overflow.</summary>
    public const long MaxCallsPerDay = 100_000_000;

    /// <summary>Earliest day accepted; older dates are typing errors, not call history.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    // The world's earliest time zone (UTC+14) ends its day last-but-first: a day that has begun anywhere is not in the future.
    private static readonly TimeSpan EarliestZone = TimeSpan.FromHours(14);

    public static Validated<IReadOnlyList<CallDay>> FromJson(IReadOnlyList<CallDayRequest?> items, DateTimeOffset now)
    {
        if (items.Count == 0)
        {
            return Problems.Invalid("body", "The array holds no days.");
        }

        if (items.Count > MaxDays)
        {
            return Problems.Invalid("body", $"At most {MaxDays} days per request; this one has {items.Count}.");
        }

        var rows = new List<(string Where, string? Date, string? Attempted, string? Answered)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            rows.Add(($"[{i}].", item?.Date, item?.Attempted?.ToString(CultureInfo.InvariantCulture), item?.Answered?.ToString(CultureInfo.InvariantCulture)));
        }

        return Check(rows, now);
    }

    public static Validated<IReadOnlyList<CallDay>> FromCsv(string text, DateTimeOffset now)
    {
        var records = CsvReader.Read(text).ToList();
        if (records.Count == 0)
        {
            return Problems.Invalid("body", "The CSV is empty; it needs a header line: date,attempted,answered.");
        }

        if (records[0].Record is not { } header)
        {
            return Problems.Invalid("line 1", records[0].Error!);
        }

        var columns = header.Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => columns.IndexOf(name);
        var (date, attempted, answered) = (Column("date"), Column("attempted"), Column("answered"));
        var missing = new[] { ("date", date), ("attempted", attempted), ("answered", answered) }.Where(c => c.Item2 < 0).Select(c => c.Item1).ToList();
        if (missing.Count > 0)
        {
            return Problems.Invalid("line 1", $"The header lacks the column(s) {string.Join(", ", missing)}; it must name date, attempted and answered.");
        }

        if (records.Count - 1 > MaxDays)
        {
            return Problems.Invalid("body", $"At most {MaxDays} days per request; this CSV has {records.Count - 1}.");
        }

        if (records.Count == 1)
        {
            return Problems.Invalid("body", "The CSV holds no days, only its header.");
        }

        var rows = new List<(string, string?, string?, string?)>(records.Count - 1);
        foreach (var (record, error, line) in records.Skip(1))
        {
            if (record is null)
            {
                return Problems.Invalid($"line {line}", error!);
            }

            string? Cell(int index) => index < record.Fields.Count && record.Fields[index].Trim() is { Length: > 0 } cell ? cell : null;
            rows.Add(($"line {line}.", Cell(date), Cell(attempted), Cell(answered)));
        }

        return Check(rows, now);
    }

    /// <summary>Decodes a CSV body, refusing bytes that are not UTF-8 rather than guessing an encoding.</summary>
    public static string? DecodeUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The calendar day a <c>date</c> names: <c>yyyy-MM-dd</c> as it is, or an ISO 8601 time with an offset as the day on the clock of that
    /// offset (a call centre's 23:30+08:00 is its day, not UTC's). A time without an offset is ambiguous and refused.
    /// </summary>
    public static string? ParseDay(string? text, DateTimeOffset now, out DateOnly day)
    {
        day = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "date is required (yyyy-MM-dd).";
        }

        text = text.Trim();
        var latest = DateOnly.FromDateTime(now.ToOffset(EarliestZone).DateTime);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return day > latest ? $"{text} is in the future." : day < Earliest ? $"{text} is before {Earliest:yyyy-MM-dd}." : null;
        }

        if (text.Length > 10 && text[10] == 'T' && HasOffset(text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            day = DateOnly.FromDateTime(at.DateTime);
            return at > now ? $"{Display.Shorten(text)} is in the future." : day < Earliest ? $"{Display.Shorten(text)} is before {Earliest:yyyy-MM-dd}." : null;
        }

        return $"'{Display.Shorten(text)}' is not a date: use yyyy-MM-dd, or an ISO 8601 time with its offset (2026-11-30T23:30:00+08:00).";
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    private static Validated<IReadOnlyList<CallDay>> Check(List<(string Where, string? Date, string? Attempted, string? Answered)> rows, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var days = new List<CallDay>(rows.Count);
        var seen = new Dictionary<DateOnly, string>();
        foreach (var (where, dateText, attemptedText, answeredText) in rows)
        {
            if (ParseDay(dateText, now, out var day) is { } dateError)
            {
                errors[where + "date"] = [dateError];
            }
            else if (seen.TryGetValue(day, out var first))
            {
                errors[where + "date"] = [$"{day:yyyy-MM-dd} is given twice in this request (also at {first.TrimEnd('.')})."];
            }
            else
            {
                seen[day] = where;
            }

            var attempted = Count(attemptedText, "attempted", where, errors);
            var answered = Count(answeredText, "answered", where, errors);
            if (attempted is { } a && answered is { } b && b > a)
            {
                errors[where + "answered"] = [$"answered ({b}) cannot exceed attempted ({a})."];
            }

            if (errors.Count == 0)
            {
                days.Add(new CallDay(day, attempted!.Value, answered!.Value));
            }

            if (errors.Count >= 20)
            {
                break; // enough to fix the file; the rest would drown them
            }
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : days.OrderBy(d => d.Date).ToList();
    }

    private static long? Count(string? text, string field, string where, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            errors[where + field] = [$"{field} is required."];
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            errors[where + field] = [$"{field} must be a whole number; '{Display.Shorten(text)}' is not."];
            return null;
        }

        if (value is < 0 or > MaxCallsPerDay)
        {
            errors[where + field] = [$"{field} must be from 0 to {MaxCallsPerDay}; {value} is not."];
            return null;
        }

        return value;
    }
}

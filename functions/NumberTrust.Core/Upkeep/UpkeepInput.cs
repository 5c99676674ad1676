using System.Text;

namespace NumberTrust.Upkeep;

/// <summary>Field checks shared by the upkeep request bodies; each failure is recorded under the field's JSON name.</summary>
public static class UpkeepInput
{
    public const int MaxTextLength = 200;

    /// <summary>Dates a tenant may plan with: far enough back for old documents, not so far ahead that a typo goes unnoticed.</summary>
    public static readonly DateOnly MinDay = new(2000, 1, 1);
    public static readonly DateOnly MaxDay = new(2100, 12, 31);

    /// <summary>Trimmed NFC text, null when absent or blank (an error when <paramref name="required"/>).</summary>
    public static string? Text(string? value, string field, bool required, Dictionary<string, string[]> errors, int max = MaxTextLength)
    {
        var text = value?.Normalize(NormalizationForm.FormC).Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors[field] = [$"{field} is required."];
            }

            return null;
        }

        if (text.Length > max)
        {
            errors[field] = [$"At most {max} characters."];
            return null;
        }

        if (text.Any(char.IsControl))
        {
            errors[field] = ["Control characters are not allowed."];
            return null;
        }

        return text;
    }

    /// <summary>A yyyy-MM-dd day between <see cref="MinDay"/> and <see cref="MaxDay"/>.</summary>
    public static DateOnly? Day(string? value, string field, bool required, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"{field} is required (yyyy-MM-dd)."];
            }

            return null;
        }

        if (!DayRange.TryDay(value, out var day))
        {
            errors[field] = [$"'{Hosting.Display.Shorten(value)}' is not a date (yyyy-MM-dd)."];
            return null;
        }

        if (day < MinDay || day > MaxDay)
        {
            errors[field] = [$"{field} must be between {DayRange.Text(MinDay)} and {DayRange.Text(MaxDay)}."];
            return null;
        }

        return day;
    }

    public static DateOnly? Parse(string? stored) => stored is not null && DayRange.TryDay(stored, out var day) ? day : null;
}

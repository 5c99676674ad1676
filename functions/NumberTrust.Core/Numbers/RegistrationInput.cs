using System.Text;

namespace NumberTrust.Numbers;

/// <summary>A validated, normalised registration.</summary>
public sealed record RegistrationInput(
    string? DisplayName,
    string? Department,
    IReadOnlyList<string> Tags,
    MonitoringCadence Cadence,
    IReadOnlyList<string> Platforms)
{
    /// <summary>Field names as clients write them (JSON properties and CSV columns).</summary>
    public static class Fields
    {
        public const string DisplayName = "displayName";
        public const string Department = "department";
        public const string Tags = "tags";
        public const string Cadence = "cadence";
        public const string Platforms = "platforms";
    }

    public const int MaxTextLength = 100;
    public const int MaxTags = 20;
    public const int MaxTagLength = 40;

    /// <summary>Validates a request; returns the normalised input or the errors per field.</summary>
    public static (RegistrationInput? Input, Dictionary<string, string[]> Errors) From(RegisterNumberRequest request, Platforms.PlatformIdSet platforms)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var displayName = CleanText(request.DisplayName, Fields.DisplayName, errors);
        var department = CleanText(request.Department, Fields.Department, errors);

        var tags = new List<string>();
        if (request.Tags is { } rawTags)
        {
            if (rawTags.Count > MaxTags)
            {
                errors[Fields.Tags] = [$"At most {MaxTags} tags are allowed."];
            }
            else
            {
                foreach (var raw in rawTags)
                {
                    var tag = NormaliseTag(raw);
                    if (tag is null)
                    {
                        errors[Fields.Tags] = [$"A tag is 1 to {MaxTagLength} characters of letters, digits, spaces and - _ . : ('{Hosting.Display.Shorten(raw)}' is not)."];
                        break;
                    }

                    if (!tags.Contains(tag, StringComparer.Ordinal))
                    {
                        tags.Add(tag);
                    }
                }
            }
        }

        var platformIds = new List<string>();
        if (request.Platforms is { } rawPlatforms)
        {
            foreach (var raw in rawPlatforms)
            {
                var id = raw?.Trim().ToLowerInvariant() ?? "";
                if (!platforms.IsKnown(id))
                {
                    errors[Fields.Platforms] = [$"'{Hosting.Display.Shorten(raw)}' is not a known platform; known: {string.Join(", ", platforms.Ids.Order(StringComparer.Ordinal))}."];
                    break;
                }

                if (!platformIds.Contains(id, StringComparer.Ordinal))
                {
                    platformIds.Add(id);
                }
            }
        }

        if (request.Cadence is { } cadence && !Enum.IsDefined(cadence))
        {
            errors[Fields.Cadence] = ["The cadence must be auto, daily, weekly or paused."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new RegistrationInput(displayName, department, tags, request.Cadence ?? MonitoringCadence.Auto, platformIds), errors);
    }

    /// <summary>Tags compare case-insensitively and width-insensitively, so they are stored NFKC-folded and lower case.</summary>
    public static string? NormaliseTag(string? raw)
    {
        var tag = raw?.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength)
        {
            return null;
        }

        return tag.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ':') ? tag : null;
    }

    private static string? CleanText(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Normalize(NormalizationForm.FormC).Trim();
        if (text.Length > MaxTextLength)
        {
            errors[field] = [$"At most {MaxTextLength} characters."];
            return null;
        }

        if (text.Any(char.IsControl))
        {
            errors[field] = ["Control characters are not allowed."];
            return null;
        }

        return text.Length == 0 ? null : text;
    }
}

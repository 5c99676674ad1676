using Microsoft.Extensions.Options;

namespace NumberTrust.Labels;

/// <summary>Taxonomy settings, section <c>Labels</c>.</summary>
public sealed class LabelOptions
{
    public const string Section = "Labels";

    /// <summary>
    /// Category names, worst first. Categories left out keep their default relative order below the listed ones; empty means
    /// <see cref="LabelTaxonomy.DefaultSeverityOrder"/>.
    /// </summary>
    public List<string> SeverityOrder { get; set; } = [];

    /// <summary>Extra or overriding mappings: platform label text (any punctuation / width variant) to a category name.</summary>
    public Dictionary<string, string> Mappings { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Start-up validation of <see cref="LabelOptions"/>: every name must be a category, none listed twice.</summary>
public sealed class LabelOptionsValidator : IValidateOptions<LabelOptions>
{
    public ValidateOptionsResult Validate(string? name, LabelOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<LabelCategory>();
        foreach (var entry in options.SeverityOrder)
        {
            if (!LabelTaxonomy.TryParseCategory(entry, out var category))
            {
                errors.Add($"Labels:SeverityOrder: '{entry}' is not a label category (expected one of {string.Join(", ", Enum.GetNames<LabelCategory>())}).");
            }
            else if (!seen.Add(category))
            {
                errors.Add($"Labels:SeverityOrder lists '{category}' more than once.");
            }
        }

        foreach (var (text, category) in options.Mappings)
        {
            if (!LabelTaxonomy.TryParseCategory(category, out _))
            {
                errors.Add($"Labels:Mappings:{text}: '{category}' is not a label category.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

using NumberTrust.Labels;

namespace NumberTrust.Lookups;

/// <summary>Severity rank of a canonical category (higher = worse); the taxonomy's configurable order.</summary>
public interface ILabelSeverity
{
    int Rank(string? category);
}

/// <summary>Severity from the taxonomy's configurable order (<c>Labels:SeverityOrder</c>).</summary>
public sealed class TaxonomySeverity(LabelTaxonomy taxonomy) : ILabelSeverity
{
    public int Rank(string? category) => taxonomy.Rank(category);
}

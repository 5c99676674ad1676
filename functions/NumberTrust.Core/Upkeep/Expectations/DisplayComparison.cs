using System.Text;
using NumberTrust.Platforms;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>What callers should see on a platform right now: the expectation's name, or a planned label's during its window.</summary>
public sealed record ExpectedDisplay(string DisplayName, string? CertificationProvider, string? LabelId)
{
    /// <summary>Identifies the expectation an episode was raised against; a different one opens a new episode.</summary>
    public string Key => DisplayComparison.Normalize(DisplayName) + "|" + DisplayComparison.Normalize(CertificationProvider ?? "") + "|" + LabelId;
}

/// <summary>Compares a displayed identity with the expectation: the reasons it differs, none when it matches.</summary>
public static class DisplayComparison
{
    public const string NotShown = "not_shown";
    public const string Name = "name";
    public const string Provider = "provider";
    public const string NotCertified = "not_certified";

    public static IReadOnlyList<string> Differences(ExpectedDisplay expected, DisplayedIdentity? shown)
    {
        if (shown is null)
        {
            return [NotShown];
        }

        var reasons = new List<string>();
        if (Normalize(shown.DisplayName) != Normalize(expected.DisplayName))
        {
            reasons.Add(Name);
        }

        // Platforms word the source their own way (企业认证 for a provider's enterprise certification): either containing the other matches.
        if (expected.CertificationProvider is { } provider && shown.VerificationSource is { } source
            && Normalize(source) is var s && Normalize(provider) is var p && !s.Contains(p, StringComparison.Ordinal) && !p.Contains(s, StringComparison.Ordinal))
        {
            reasons.Add(Provider);
        }

        if (!shown.Certified)
        {
            reasons.Add(NotCertified);
        }

        return reasons;
    }

    /// <summary>Full-width and half-width forms alike (NFKC), whitespace collapsed, case ignored.</summary>
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToUpperInvariant();
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

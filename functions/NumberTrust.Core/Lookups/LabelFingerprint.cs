using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Lookups;

/// <summary>
/// A short digest of what a platform says about a number: equal digests mean an observation would change nothing but the check
/// time, so a job planned with it skips reading the state (docs/architecture.md, "Lookups").
/// </summary>
public static class LabelFingerprint
{
    /// <summary>Facts-row property holding a platform's digest (platform ids may hold '-', property names may not).</summary>
    public static string PropertyFor(string platform) => "Fp_" + PropertySafe(platform);

    /// <summary>
    /// Facts-row property holding the category a platform labels the number with, or "" when it does not (Clean, or never read).
    /// Written with the digest, so the tenant summaries are computed from the facts row alone instead of reading every platform's
    /// state. An Unknown keeps the last known state, and so this value.
    /// </summary>
    public static string LabelPropertyFor(string platform) => "Lc_" + PropertySafe(platform);

    /// <summary>The value of <see cref="LabelPropertyFor"/> for a stored state.</summary>
    public static string LabelOf(LabelStateEntity state) =>
        state.State == nameof(ObservedState.Labeled) ? state.Category ?? "Other" : "";

    internal static string PropertySafe(string platform) =>
        string.Create(platform.Length, platform, static (span, id) =>
        {
            for (var i = 0; i < id.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(id[i]) ? id[i] : '_';
            }
        });

    /// <summary>The digest of a stored state, or "" when the next observation must read the state first.</summary>
    public static string Of(LabelStateEntity state) =>
        state.FollowUpPending || state.ConsecutiveUnknowns > 0 || state.State == nameof(ObservedState.Unknown)
            ? ""
            : Compute(state.State, state.Category, state.LabelText, state.ReportCount, state.SourceApp, state.Severity);

    /// <summary>The digest the state would have after this observation, or null for an Unknown (which always reads).</summary>
    public static string? Of(Observation observation) => observation.State switch
    {
        ObservedState.Clean => Compute(nameof(ObservedState.Clean), null, null, null, null, null),
        ObservedState.Labeled => Compute(
            nameof(ObservedState.Labeled), observation.Category ?? "Other", observation.LabelText, observation.ReportCount, observation.SourceApp, observation.Severity),
        _ => null,
    };

    private static string Compute(string state, string? category, string? text, int? count, string? sourceApp, string? severity)
    {
        // Length-prefixed fields: no two different states share an encoding. A state without severity keeps its old digest.
        var fields = new List<string?> { state, category, text, count?.ToString(System.Globalization.CultureInfo.InvariantCulture), sourceApp };
        if (severity is not null)
        {
            fields.Add(severity);
        }

        var canonical = string.Join('\u001f', fields
            .Select(f => f is null ? "-" : $"{f.Length}:{f}"));
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 12));
    }
}

using System.Text.Json;
using NumberTrust.Labels;
using NumberTrust.Numbers;
using NumberTrust.Platforms;

namespace NumberTrust.Lookups;

/// <summary>The scan pipeline's view of the platform adapters: which platforms cover a number, their pacing, and the lookup.</summary>
public sealed class PlatformLabelSource(IPlatformAdapterRegistry registry) : ILabelSource
{
    public IReadOnlyList<string> PlatformsFor(CanonicalNumber number) => registry.EnabledFor(number);

    public bool IsEnabled(string platform) => registry.IsEnabled(platform);

    public double RequestsPerSecond(string platform) => registry.IsEnabled(platform) ? registry.Options(platform).RequestsPerSecond : 0;

    public async Task<Observation> LookupAsync(string platform, CanonicalNumber number, CancellationToken cancellationToken) =>
        ToObservation(await registry.LookupAsync(platform, number, cancellationToken));

    public static Observation ToObservation(LookupResult result) => new(
        result.Outcome switch
        {
            LookupOutcome.Labeled => ObservedState.Labeled,
            LookupOutcome.Clean => ObservedState.Clean,
            _ => ObservedState.Unknown,
        },
        result.Category is { } category ? JsonNamingPolicy.CamelCase.ConvertName(category.ToString()) : null,
        result.LabelText,
        result.ReportCount,
        result.SourceApp,
        result.Reason?.ToString(),
        result.RetryAfter,
        result.Evidence.RequestedUrl,
        result.Evidence.HttpStatus,
        result.Evidence.Excerpt,
        result.Detail,
        result.Severity,
        result.Identity);
}

using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Telemetry;

/// <summary>Section <c>Telemetry</c>: what share of traces is kept, so a 600,000-lookup day does not export every invocation.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Share of root traces recorded (a trace's spans follow its root's decision); metrics are always complete.</summary>
    [Range(0.0, 1.0)]
    public double TraceSamplingRatio { get; set; } = 0.05;
}

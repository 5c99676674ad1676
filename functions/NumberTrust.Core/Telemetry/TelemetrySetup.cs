using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace NumberTrust.Telemetry;

/// <summary>The part of the OpenTelemetry setup both hosts share; each host adds its exporters.</summary>
public static class TelemetrySetup
{
    public static IOpenTelemetryBuilder AddNumberTrustTelemetry(this IOpenTelemetryBuilder builder, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var ratio = Math.Clamp(options.TraceSamplingRatio, 0, 1);
        builder.WithTracing(tracing => tracing
            .AddSource(NumberTrustTelemetry.Name)
            .AddHttpClientInstrumentation()
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio))));
        builder.WithMetrics(metrics => metrics
            .AddMeter(NumberTrustTelemetry.Name)
            .AddHttpClientInstrumentation());
        return builder;
    }
}

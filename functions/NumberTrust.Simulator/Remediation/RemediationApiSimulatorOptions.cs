namespace NumberTrust.Simulator.Remediation;

/// <summary>Settings of a <see cref="RemediationApiSimulator"/>.</summary>
public sealed class RemediationApiSimulatorOptions
{
    /// <summary>0 = a free port.</summary>
    public int Port { get; set; }

    /// <summary>The header every request must carry with <see cref="ApiKey"/>; null = no authentication.</summary>
    public string? ApiKeyHeader { get; set; } = "X-Api-Key";

    public string ApiKey { get; set; } = "remediation-test-key-" + Guid.NewGuid().ToString("N");

    /// <summary>Polls an operation answers <c>pending</c> before its decision, unless scripted otherwise.</summary>
    public int PendingPolls { get; set; } = 1;

    /// <summary>The <c>Retry-After</c> of accepted submissions and pending polls; null = none.</summary>
    public TimeSpan? PollRetryAfter { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

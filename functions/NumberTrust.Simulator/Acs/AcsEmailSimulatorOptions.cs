using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Simulator.Acs;

/// <summary>Settings of an <see cref="AcsEmailSimulator"/>.</summary>
public sealed class AcsEmailSimulatorOptions
{
    /// <summary>0 = a free port.</summary>
    public int Port { get; set; }

    /// <summary>The access key (base64) requests must be signed with; random per instance by default.</summary>
    public string AccessKey { get; set; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>When set, <c>Authorization: Bearer &lt;token&gt;</c> with exactly this token is accepted besides HMAC.</summary>
    public string? BearerToken { get; set; }

    /// <summary>When set, the endpoint is https with this certificate (Azure.Core sends bearer tokens over https only).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Clock of the <c>x-ms-date</c> check and of the mailbox's received times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How far <c>x-ms-date</c> may be from the simulator's clock, either way.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The <c>retry-after</c> of accepted sends and of Running polls (whole seconds, rounded up).</summary>
    public TimeSpan PollRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Polls an operation answers Running before its final status, unless scripted otherwise.</summary>
    public int RunningPolls { get; set; }

    /// <summary>Where each accepted mail is logged (a demo host prints its mail this way).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Called with each accepted mail, outside the simulator's lock.</summary>
    public Action<AcsMail>? OnMail { get; set; }
}

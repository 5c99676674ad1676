using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// Settings of alert delivery, section <c>Alerts</c>. The defaults retry for about 27 hours (30 s, ×4 per attempt, at most 6 h
/// apart, 10 attempts); tests shorten them so failure paths run in seconds.
/// </summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Base URL of the public API for links in mails (e.g. <c>https://nt.example.com</c>); empty = links are paths.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Attempts per delivery before it becomes Failed (the dead letter).</summary>
    [Range(1, 50, ErrorMessage = "Alerts:MaxAttempts must be between 1 and 50.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait before the second attempt; each further wait is <see cref="BackoffMultiplier"/> times the previous one.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Alerts:FirstRetryDelay must be between 10 ms and 1 hour.")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Alerts:MaxRetryDelay must be between 10 ms and 1 day.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    [Range(1.0, 10.0, ErrorMessage = "Alerts:BackoffMultiplier must be between 1 and 10.")]
    public double BackoffMultiplier { get; set; } = 4.0;

    /// <summary>Up to this fraction is added to each wait at random, so endpoints that failed together are not retried together.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Alerts:Jitter must be between 0 and 1.")]
    public double Jitter { get; set; } = 0.2;

    /// <summary>First attempts of one event the dispatcher makes at the same time (one per subscription channel).</summary>
    [Range(1, 256, ErrorMessage = "Alerts:DispatchConcurrency must be between 1 and 256.")]
    public int DispatchConcurrency { get; set; } = 16;

    /// <summary>How long a worker owns a delivery it is sending; a crashed worker's claim lapses after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00", ErrorMessage = "Alerts:ClaimDuration must be between 1 second and 30 minutes.")]
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one email attempt waits for ACS to report a final status before it counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Alerts:EmailTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan EmailTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait before an event whose dispatch failed on every dequeue (<c>alerts-poison</c>) is put back on <c>alerts</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "06:00:00", ErrorMessage = "Alerts:PoisonRetryDelay must be between 0 and 6 hours.")]
    public TimeSpan PoisonRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after it occurred a poisoned event is still dispatched again; older ones are dropped with an error log.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Alerts:PoisonRetryWindow must be between 1 minute and 7 days.")]
    public TimeSpan PoisonRetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt of a schedule (1-based), jitter excluded.</summary>
    public TimeSpan BaseDelay(int failedAttempts)
    {
        var ticks = FirstRetryDelay.Ticks * Math.Pow(BackoffMultiplier, Math.Max(0, failedAttempts - 1));
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The wait with jitter added; <paramref name="random"/> is in [0, 1).</summary>
    public TimeSpan Delay(int failedAttempts, double random) =>
        BaseDelay(failedAttempts) * (1 + (Jitter * random));
}

/// <summary>Cross-field rules of <see cref="AlertOptions"/>, with messages that name the setting to fix.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) &&
            (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{AlertOptions.Section}:PublicBaseUrl must be an absolute http(s) URL such as https://numbertrust.example.com.");
        }

        if (options.MaxRetryDelay < options.FirstRetryDelay)
        {
            errors.Add($"{AlertOptions.Section}:MaxRetryDelay must not be shorter than {AlertOptions.Section}:FirstRetryDelay.");
        }

        // A claim that lapses while its worker still waits for ACS would let a second worker take the delivery meanwhile.
        if (options.ClaimDuration <= options.EmailTimeout)
        {
            errors.Add($"{AlertOptions.Section}:ClaimDuration must be longer than {AlertOptions.Section}:EmailTimeout.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

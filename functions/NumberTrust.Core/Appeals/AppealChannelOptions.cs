namespace NumberTrust.Appeals;

/// <summary>
/// Section <c>Appeals:Channels</c>: the background sending of Email and Api appeals. A failed attempt is retried after
/// <see cref="FirstRetryDelay"/>, multiplied by <see cref="BackoffMultiplier"/> per attempt up to <see cref="MaxRetryDelay"/>,
/// until <see cref="MaxAttempts"/> failures; a vendor's pending operation is polled every <see cref="PollInterval"/>.
/// </summary>
public sealed class AppealChannelOptions
{
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public double BackoffMultiplier { get; set; } = 2;

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Failed attempts after which the channel gives up and leaves a note (the appeal stays Submitted for the operator).</summary>
    public int MaxAttempts { get; set; } = 16;

    /// <summary>Between polls of a vendor operation, unless its Retry-After asks for longer.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Polls of one vendor operation before it counts as a failed attempt (so a vendor that never decides is noted).</summary>
    public int MaxPolls { get; set; } = 2000;

    /// <summary>One HTTP request to a vendor's remediation API.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one email attempt waits for ACS to report the send as final.</summary>
    public TimeSpan EmailTimeout { get; set; } = TimeSpan.FromMinutes(2);

    internal IEnumerable<string> Problems()
    {
        const string s = AppealsOptions.Section + ":Channels:";
        if (FirstRetryDelay < TimeSpan.FromMilliseconds(10) || FirstRetryDelay > TimeSpan.FromDays(1))
        {
            yield return s + "FirstRetryDelay must be between 10 ms and 1 day.";
        }

        if (MaxRetryDelay < FirstRetryDelay || MaxRetryDelay > TimeSpan.FromDays(6))
        {
            yield return s + "MaxRetryDelay must be at least FirstRetryDelay and at most 6 days (a queue message hides for at most 7).";
        }

        if (BackoffMultiplier is < 1 or > 10)
        {
            yield return s + "BackoffMultiplier must be between 1 and 10.";
        }

        if (MaxAttempts is < 1 or > 100)
        {
            yield return s + "MaxAttempts must be between 1 and 100.";
        }

        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromDays(1))
        {
            yield return s + "PollInterval must be between 10 ms and 1 day.";
        }

        if (MaxPolls is < 1 or > 100_000)
        {
            yield return s + "MaxPolls must be between 1 and 100000.";
        }

        if (RequestTimeout < TimeSpan.FromMilliseconds(50) || RequestTimeout > TimeSpan.FromMinutes(5))
        {
            yield return s + "RequestTimeout must be between 50 ms and 5 minutes.";
        }

        if (EmailTimeout < TimeSpan.FromMilliseconds(50) || EmailTimeout > TimeSpan.FromMinutes(10))
        {
            yield return s + "EmailTimeout must be between 50 ms and 10 minutes.";
        }
    }

    /// <summary>The wait before retrying after failed attempt number <paramref name="failures"/> (1-based).</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var delay = FirstRetryDelay.TotalMilliseconds * Math.Pow(BackoffMultiplier, Math.Max(0, failures - 1));
        return delay >= MaxRetryDelay.TotalMilliseconds ? MaxRetryDelay : TimeSpan.FromMilliseconds(delay);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NumberTrust.Notifications.Deliveries;

namespace NumberTrust.Tests.Notifications;

public sealed class AlertOptionsTests
{
    [Fact]
    public void The_default_retry_schedule_spans_more_than_a_day_even_without_jitter()
    {
        var options = new AlertOptions();
        var waits = Enumerable.Range(1, options.MaxAttempts - 1).Select(options.BaseDelay).ToList();

        Assert.Equal(TimeSpan.FromSeconds(30), waits[0]);
        Assert.Equal(TimeSpan.FromMinutes(2), waits[1]);
        Assert.All(waits, w => Assert.True(w <= options.MaxRetryDelay));
        Assert.Equal(options.MaxRetryDelay, waits[^1]);
        var total = waits.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.True(total >= TimeSpan.FromHours(24), $"the schedule spans only {total}");
    }

    [Fact]
    public void Jitter_only_adds_and_at_most_its_share()
    {
        var options = new AlertOptions();

        Assert.Equal(options.BaseDelay(3), options.Delay(3, 0));
        Assert.InRange(options.Delay(3, 0.9999999), options.BaseDelay(3) * 1.19, options.BaseDelay(3) * 1.2);
        Assert.Equal(options.MaxRetryDelay, options.BaseDelay(40));
    }

    [Fact]
    public void Bad_alert_settings_fail_validation_naming_each_setting_and_the_defaults_pass()
    {
        using var bad = Services(new()
        {
            ["Alerts:PublicBaseUrl"] = "ftp://nt.example.com",
            ["Alerts:MaxAttempts"] = "0",
            ["Alerts:FirstRetryDelay"] = "00:10:00",
            ["Alerts:MaxRetryDelay"] = "00:01:00",
            ["Alerts:ClaimDuration"] = "00:00:30",
            ["Alerts:DispatchConcurrency"] = "0",
        });
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<AlertOptions>>().Value);
        Assert.Contains("Alerts:MaxAttempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alerts:PublicBaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alerts:MaxRetryDelay must not be shorter", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alerts:ClaimDuration must be longer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alerts:DispatchConcurrency", error.Message, StringComparison.Ordinal);

        using var good = Services(new() { ["Alerts:PublicBaseUrl"] = "" });
        Assert.Equal(10, good.GetRequiredService<IOptions<AlertOptions>>().Value.MaxAttempts);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddNumberTrustCore(configuration).BuildServiceProvider();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NumberTrust.Appeals;

namespace NumberTrust.Tests.Appeals;

public sealed class AppealChannelOptionsTests
{
    [Fact]
    public void The_default_back_off_doubles_from_a_minute_to_two_hours_and_spans_more_than_half_a_day()
    {
        var options = new AppealChannelOptions();
        var waits = Enumerable.Range(1, options.MaxAttempts - 1).Select(options.RetryDelay).ToList();

        Assert.Equal(TimeSpan.FromMinutes(1), waits[0]);
        Assert.Equal(TimeSpan.FromMinutes(2), waits[1]);
        Assert.Equal(options.MaxRetryDelay, waits[^1]);
        Assert.True(waits.Aggregate(TimeSpan.Zero, (a, b) => a + b) >= TimeSpan.FromHours(12));
    }

    [Fact]
    public void Bad_channel_and_route_settings_fail_validation_naming_each_setting_and_the_defaults_pass()
    {
        using var bad = Services(new()
        {
            ["Appeals:Channels:MaxAttempts"] = "0",
            ["Appeals:Channels:FirstRetryDelay"] = "00:10:00",
            ["Appeals:Channels:MaxRetryDelay"] = "00:01:00",
            ["Appeals:Channels:RequestTimeout"] = "00:00:00.001",
            ["Appeals:Routes:telnyx:ApiUrl"] = "ftp://vendor.example.com/remediations",
            ["Appeals:Routes:telnyx:Channel"] = "Fax",
        });
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<AppealsOptions>>().Value);
        Assert.Contains("Appeals:Channels:MaxAttempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Appeals:Channels:MaxRetryDelay must be at least FirstRetryDelay", error.Message, StringComparison.Ordinal);
        Assert.Contains("Appeals:Channels:RequestTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("Appeals:Routes:telnyx:ApiUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Appeals:Routes:telnyx:Channel 'Fax' must be Portal, Email or Api.", error.Message, StringComparison.Ordinal);

        using var good = Services([]);
        Assert.Equal(16, good.GetRequiredService<IOptions<AppealsOptions>>().Value.Channels.MaxAttempts);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddNumberTrustCore(configuration).BuildServiceProvider();
    }
}

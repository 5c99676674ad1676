using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Webhooks;

namespace NumberTrust.Tests.Notifications;

/// <summary>The options bound the way the hosts bind them: bad settings fail with messages that name the setting.</summary>
public sealed class NotificationOptionsTests
{
    [Fact]
    public void Bad_email_and_webhook_settings_fail_validation_naming_each_setting()
    {
        using var services = Services(new()
        {
            ["Email:Endpoint"] = "http://nt-acs.communication.azure.com",
            ["Email:SenderAddress"] = "DoNotReply@x.azurecomm.net",
            ["Webhooks:Timeout"] = "00:00:00",
            ["Webhooks:MaxResponseBytes"] = "-1",
        });

        var email = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmailOptions>>().Value);
        var webhooks = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhookSenderOptions>>().Value);

        Assert.Contains("Email:Endpoint must be an absolute https URL", email.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Timeout", webhooks.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:MaxResponseBytes", webhooks.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_code_defaults_are_valid()
    {
        using var services = Services([]);

        Assert.False(services.GetRequiredService<IOptions<EmailOptions>>().Value.IsConfigured);
        Assert.Equal(TimeSpan.FromSeconds(10), services.GetRequiredService<IOptions<WebhookSenderOptions>>().Value.Timeout);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddOptions<WebhookSenderOptions>().BindConfiguration(WebhookSenderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.BuildServiceProvider();
    }
}

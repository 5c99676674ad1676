using NumberTrust.Notifications.Email;

namespace NumberTrust.Tests.Notifications;

public sealed class EmailOptionsTests
{
    private static readonly EmailOptionsValidator Validator = new();

    [Fact]
    public void Unconfigured_email_is_valid_so_the_host_starts_without_it()
    {
        Assert.True(Validator.Validate(null, new EmailOptions()).Succeeded);
    }

    [Fact]
    public void An_azure_endpoint_with_a_sender_and_an_identity_is_valid()
    {
        var options = new EmailOptions
        {
            Endpoint = "https://nt-acs.europe.communication.azure.com",
            SenderAddress = "DoNotReply@0c2f.azurecomm.net",
            ClientId = "6b0c8f57-0c3e-4a53-9d8e-7c1b3a5e2f10",
        };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("http://nt-acs.communication.azure.com", "DoNotReply@x.azurecomm.net", null, null, "Email:Endpoint")]
    [InlineData("https://nt-acs.communication.azure.com", null, null, null, "Email:SenderAddress")]
    [InlineData("https://nt-acs.communication.azure.com", "not an address", null, null, "Email:SenderAddress")]
    [InlineData("https://nt-acs.communication.azure.com", "DoNotReply@x.azurecomm.net", "my-identity", null, "Email:ClientId")]
    [InlineData(null, "DoNotReply@x.azurecomm.net", null, "endpoint=http://127.0.0.1:1", "Email:ConnectionString")]
    [InlineData(null, "DoNotReply@x.azurecomm.net", null, "endpoint=nowhere;accesskey=a2V5", "Email:ConnectionString")]
    public void Bad_settings_are_refused_naming_the_setting(string? endpoint, string? sender, string? clientId, string? connectionString, string setting)
    {
        var options = new EmailOptions { Endpoint = endpoint, SenderAddress = sender, ClientId = clientId, ConnectionString = connectionString };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_factory_uses_the_connection_string_when_set()
    {
        var options = new EmailOptions
        {
            Endpoint = "https://nt-acs.communication.azure.com",
            ConnectionString = "endpoint=http://127.0.0.1:5999;accesskey=a2V5LWtleS1rZXk=",
            SenderAddress = "DoNotReply@x.azurecomm.net",
        };

        var client = EmailClientFactory.Create(options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Equal(new Uri("http://127.0.0.1:5999"), client.Endpoint);
    }

    [Fact]
    public void The_connection_string_never_shows_its_key()
    {
        var parsed = AcsConnectionString.Parse("Endpoint=https://x.communication.azure.com/;AccessKey=c2VjcmV0LWtleQ==");

        Assert.Equal("c2VjcmV0LWtleQ==", parsed.AccessKey);
        Assert.Equal(new Uri("https://x.communication.azure.com"), parsed.Endpoint);
        Assert.DoesNotContain("c2VjcmV0", parsed.ToString(), StringComparison.Ordinal);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NumberTrust.Local.Azurite;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Reliability;

/// <summary>Demo mode delivers the scripted label changes: mails land in the fake ACS mailbox (printed and readable over HTTP) and signed webhooks in the local receiver.</summary>
public sealed partial class DemoAlertsTests
{
    [Fact]
    public async Task Demo_mode_mails_and_posts_the_scripted_label_changes_and_shows_the_mailbox()
    {
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
        var port = AzuriteProcess.FreePort();
        await using var host = LocalHostProcess.StartDemo(azurite.ConnectionString, port);

        var subscribed = await host.WaitForLineAsync(l => MailboxUrl().IsMatch(l), TimeSpan.FromSeconds(60), "the demo subscription and mailbox URL are printed");
        await host.WaitForLineAsync(l => l.Contains("Demo mailbox: mail to alerts@demo.numbertrust.test", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "a demo mail is printed");
        await host.WaitForLineAsync(l => l.Contains("Demo webhook receiver: /demo", StringComparison.Ordinal) && l.Contains("signature valid: True", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "a signed demo webhook is printed");

        using var http = new HttpClient();
        var mailbox = await http.GetFromJsonAsync<JsonElement>(MailboxUrl().Match(subscribed).Groups[1].Value);
        var mails = mailbox.EnumerateArray().ToList();
        Assert.NotEmpty(mails);
        Assert.All(mails, m => Assert.StartsWith("[NumberTrust] +", m.GetProperty("subject").GetString(), StringComparison.Ordinal));
        Assert.Equal(mails.Count, mails.Select(m => m.GetProperty("operationId").GetString()).Distinct().Count());
        Assert.False(host.HasExited);
    }

    [GeneratedRegex(@"Mailbox: GET (http://127\.0\.0\.1:\d+/_acs/mailbox)")]
    private static partial Regex MailboxUrl();
}

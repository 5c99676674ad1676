using System.Net;
using NumberTrust.Notifications.Webhooks;

namespace NumberTrust.Tests.Notifications;

public sealed class WebhookUrlPolicyTests
{
    [Theory]
    [InlineData("https://0.0.0.0/hook", "0.0.0.0/8")]
    [InlineData("https://0.1.2.3/hook", "0.0.0.0/8")]
    [InlineData("https://10.0.0.1/hook", "10.0.0.0/8")]
    [InlineData("https://10.255.255.255/hook", "10.0.0.0/8")]
    [InlineData("https://100.64.0.1/hook", "100.64.0.0/10")]
    [InlineData("https://100.127.255.254/hook", "100.64.0.0/10")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://127.255.0.9/hook", "loopback")]
    [InlineData("https://169.254.169.254/metadata/instance", "metadata")]
    [InlineData("https://169.254.0.1/hook", "169.254.0.0/16")]
    [InlineData("https://172.16.0.1/hook", "172.16.0.0/12")]
    [InlineData("https://172.31.255.255/hook", "172.16.0.0/12")]
    [InlineData("https://192.0.0.8/hook", "192.0.0.0/24")]
    [InlineData("https://192.168.1.10/hook", "192.168.0.0/16")]
    [InlineData("https://198.18.0.1/hook", "198.18.0.0/15")]
    [InlineData("https://198.19.255.255/hook", "198.18.0.0/15")]
    [InlineData("https://224.0.0.1/hook", "multicast")]
    [InlineData("https://239.255.255.250/hook", "multicast")]
    [InlineData("https://240.0.0.1/hook", "reserved")]
    [InlineData("https://255.255.255.255/hook", "reserved")]
    [InlineData("https://168.63.129.16/hook", "Azure host")]
    [InlineData("https://0x7f000001/hook", "loopback")]
    [InlineData("https://2130706433/hook", "loopback")]
    [InlineData("https://[::]/hook", "unspecified")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://[fc00::1]/hook", "fc00::/7")]
    [InlineData("https://[fd12:3456:789a::1]/hook", "fc00::/7")]
    [InlineData("https://[fe80::1]/hook", "fe80::/10")]
    [InlineData("https://[febf:ffff::1]/hook", "fe80::/10")]
    [InlineData("https://[fec0::1]/hook", "fec0::/10")]
    [InlineData("https://[ff02::1]/hook", "ff00::/8")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "IPv4-mapped 10.0.0.1")]
    [InlineData("https://[::ffff:169.254.169.254]/hook", "IPv4-mapped 169.254.169.254")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "IPv4-mapped 127.0.0.1 is loopback")]
    [InlineData("https://[::ffff:a9fe:a9fe]/hook", "IPv4-mapped 169.254.169.254")]
    [InlineData("https://[::ffff:168.63.129.16]/hook", "Azure host")]
    [InlineData("https://[::10.0.0.1]/hook", "IPv4-compatible 10.0.0.1")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "NAT64 169.254.169.254")]
    [InlineData("https://[2002:c0a8:101::1]/hook", "6to4 192.168.1.1")]
    [InlineData("https://localhost/hook", "loopback name")]
    [InlineData("https://LOCALHOST./hook", "loopback name")]
    [InlineData("https://api.localhost/hook", "loopback name")]
    [InlineData("https://metadata.google.internal/computeMetadata", "internal name")]
    [InlineData("https://printer.local/hook", "internal name")]
    [InlineData("https://intranet/hook", "not a fully qualified")]
    public void Azure_mode_refuses_internal_addresses_and_names(string url, string reason)
    {
        var problem = WebhookUrlPolicy.Azure.Validate(url);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.com/numbertrust")]
    [InlineData("https://hooks.example.com:8443/numbertrust?tenant=t1")]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    [InlineData("https://172.32.0.1/hook")]
    [InlineData("https://172.15.255.255/hook")]
    [InlineData("https://100.128.0.1/hook")]
    [InlineData("https://100.63.255.255/hook")]
    [InlineData("https://198.20.0.1/hook")]
    [InlineData("https://169.255.0.1/hook")]
    [InlineData("https://168.63.129.17/hook")]
    [InlineData("https://223.255.255.255/hook")]
    [InlineData("https://[::ffff:93.184.216.34]/hook")]
    [InlineData("https://internal.example.com/hook")]
    public void Azure_mode_allows_public_https_urls(string url)
    {
        Assert.Null(WebhookUrlPolicy.Azure.Validate(url));
    }

    [Theory]
    [InlineData("http://hooks.example.com/hook")]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    public void Azure_mode_requires_https(string url)
    {
        Assert.Equal("A webhook URL must use https.", WebhookUrlPolicy.Azure.Validate(url));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://127.0.0.2:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://[::1]:5000/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:5000/hook")]
    [InlineData("https://127.0.0.1:5001/hook")]
    [InlineData("https://hooks.example.com/hook")]
    public void Local_mode_allows_loopback_receivers_over_http(string url)
    {
        Assert.Null(WebhookUrlPolicy.LocalHost.Validate(url));
    }

    [Theory]
    [InlineData("http://hooks.example.com/hook", "https")]
    [InlineData("http://10.0.0.1/hook", "https")]
    [InlineData("https://10.0.0.1/hook", "10.0.0.0/8")]
    [InlineData("https://192.168.1.1/hook", "192.168.0.0/16")]
    [InlineData("https://169.254.169.254/hook", "metadata")]
    [InlineData("https://[fd00::1]/hook", "fc00::/7")]
    [InlineData("https://metadata.azure.internal/hook", "internal name")]
    public void Local_mode_still_refuses_non_loopback_internal_targets(string url, string reason)
    {
        Assert.Contains(reason, WebhookUrlPolicy.LocalHost.Validate(url), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:secret@hooks.example.com/hook", "user name or password")]
    [InlineData("https://user@hooks.example.com/hook", "user name or password")]
    [InlineData("https://hooks.example.com/hook#part", "fragment")]
    [InlineData("/relative/hook", "absolute")]
    [InlineData("hooks.example.com/hook", "absolute")]
    [InlineData("ftp://hooks.example.com/hook", "absolute http(s)")]
    [InlineData("file:///etc/passwd", "absolute http(s)")]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    public void Malformed_urls_are_refused(string url, string reason)
    {
        Assert.Contains(reason, WebhookUrlPolicy.Azure.Validate(url), StringComparison.Ordinal);
        Assert.Contains(reason, WebhookUrlPolicy.LocalHost.Validate(url), StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_are_at_most_2048_characters()
    {
        var prefix = "https://hooks.example.com/";
        var longest = prefix + new string('a', WebhookUrlPolicy.MaxUrlLength - prefix.Length);

        Assert.Null(WebhookUrlPolicy.Azure.Validate(longest));
        Assert.Contains("2048", WebhookUrlPolicy.Azure.Validate(longest + "a"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.1.1", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("fe80::1", false)]
    [InlineData("93.184.216.34", true)]
    public void Resolved_addresses_are_checked_by_the_same_rules(string address, bool allowedLocally)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(allowedLocally, WebhookUrlPolicy.LocalHost.CheckAddress(ip) is null);
        Assert.Equal(address == "93.184.216.34", WebhookUrlPolicy.Azure.CheckAddress(ip) is null);
    }
}

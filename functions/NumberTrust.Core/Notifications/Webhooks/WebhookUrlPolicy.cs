using System.Net;
using System.Net.Sockets;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>
/// Which webhook URLs and addresses the app may call. In Azure (<see cref="Azure"/>) only https to public addresses; the local
/// host (<see cref="LocalHost"/>) also allows loopback, over http too. Private, shared, link-local (the 169.254.169.254 metadata
/// service), multicast and reserved ranges, Azure's host address 168.63.129.16, their IPv4-mapped, -compatible, NAT64 and 6to4
/// forms, and internal names (<c>localhost</c>, <c>*.internal</c>, <c>*.local</c>, single labels) are refused in both modes. The
/// same checks run on every resolved address when connecting (<see cref="WebhookConnector"/>).
/// </summary>
public sealed class WebhookUrlPolicy(bool allowLoopbackHttp)
{
    public const int MaxUrlLength = 2048;

    private static readonly (IPNetwork Network, string Name)[] BlockedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
        (IPNetwork.Parse("10.0.0.0/8"), "private (10.0.0.0/8)"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared address space (100.64.0.0/10)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local, including the metadata service (169.254.0.0/16)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private (172.16.0.0/12)"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"),
        (IPNetwork.Parse("192.168.0.0/16"), "private (192.168.0.0/16)"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking (198.18.0.0/15)"),
        (IPNetwork.Parse("224.0.0.0/3"), "multicast or reserved (224.0.0.0 and above)"),
        (IPNetwork.Parse("168.63.129.16/32"), "the Azure host's address (168.63.129.16)"),
    ];

    private static readonly IPNetwork LoopbackV4 = IPNetwork.Parse("127.0.0.0/8");

    private static readonly (IPNetwork Network, string Name)[] BlockedV6 =
    [
        (IPNetwork.Parse("fc00::/7"), "unique local (fc00::/7)"),
        (IPNetwork.Parse("fe80::/10"), "link-local (fe80::/10)"),
        (IPNetwork.Parse("fec0::/10"), "site-local (fec0::/10)"),
        (IPNetwork.Parse("ff00::/8"), "multicast (ff00::/8)"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Azure: https to public hosts only.</summary>
    public static WebhookUrlPolicy Azure { get; } = new(allowLoopbackHttp: false);

    /// <summary>The single-machine host: loopback receivers (http or https) allowed besides public https.</summary>
    public static WebhookUrlPolicy LocalHost { get; } = new(allowLoopbackHttp: true);

    public bool AllowLoopbackHttp { get; } = allowLoopbackHttp;

    /// <summary>Null when the URL may be registered, else the reason (for a 400 naming the field).</summary>
    public string? Validate(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "A webhook URL is required.";
        }

        if (url.Length > MaxUrlLength)
        {
            return $"A webhook URL has at most {MaxUrlLength} characters.";
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "A webhook URL has no fragment (#…).";
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Validate(uri) : "A webhook URL must be an absolute http(s) URL.";
    }

    /// <summary>As <see cref="Validate(string?)"/>; also checked again before each delivery.</summary>
    public string? Validate(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return "A webhook URL must be an absolute http(s) URL.";
        }

        if (url.OriginalString.Length > MaxUrlLength)
        {
            return $"A webhook URL has at most {MaxUrlLength} characters.";
        }

        if (url.UserInfo.Length > 0)
        {
            return "A webhook URL must not contain a user name or password.";
        }

        if (url.Fragment.Length > 0)
        {
            return "A webhook URL has no fragment (#…).";
        }

        var host = url.HostNameType == UriHostNameType.IPv6 ? url.Host.Trim('[', ']') : url.IdnHost;
        var loopback = IsLoopback(host);
        if (url.Scheme == Uri.UriSchemeHttp && !(AllowLoopbackHttp && loopback))
        {
            return AllowLoopbackHttp ? "A webhook URL must use https (http only to a loopback receiver)." : "A webhook URL must use https.";
        }

        return CheckHost(host);
    }

    /// <summary>Null when a host (name or address literal) may be called, else why not.</summary>
    public string? CheckHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return CheckAddress(address);
        }

        var name = host.TrimEnd('.').ToLowerInvariant();
        if (name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return AllowLoopbackHttp ? null : $"'{host}' is a loopback name.";
        }

        if (name.EndsWith(".internal", StringComparison.Ordinal) || name.EndsWith(".local", StringComparison.Ordinal))
        {
            return $"'{host}' is an internal name.";
        }

        return name.Contains('.', StringComparison.Ordinal) ? null : $"'{host}' is not a fully qualified public name.";
    }

    /// <summary>Null when the address is public (or loopback in the local host), else which blocked range it is in.</summary>
    public string? CheckAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return CheckV4(address.MapToIPv4(), "IPv4-mapped ");
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return CheckV4(address, "");
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return $"{address} is not an IP address.";
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return $"{address} is the unspecified address.";
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AllowLoopbackHttp ? null : $"{address} is loopback.";
        }

        var bytes = address.GetAddressBytes();
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return CheckV4(new IPAddress(bytes.AsSpan(12, 4)), "IPv4-compatible ");
        }

        if (Nat64.Contains(address))
        {
            return CheckV4(new IPAddress(bytes.AsSpan(12, 4)), "NAT64 ");
        }

        if (SixToFour.Contains(address))
        {
            return CheckV4(new IPAddress(bytes.AsSpan(2, 4)), "6to4 ");
        }

        foreach (var (network, name) in BlockedV6)
        {
            if (network.Contains(address))
            {
                return $"{address} is {name}.";
            }
        }

        return null;
    }

    private string? CheckV4(IPAddress v4, string form)
    {
        if (LoopbackV4.Contains(v4))
        {
            return AllowLoopbackHttp ? null : $"{form}{v4} is loopback (127.0.0.0/8).";
        }

        foreach (var (network, name) in BlockedV4)
        {
            if (network.Contains(v4))
            {
                return $"{form}{v4} is {name}.";
            }
        }

        return null;
    }

    private static bool IsLoopback(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            return IPAddress.IsLoopback(address);
        }

        var name = host.TrimEnd('.').ToLowerInvariant();
        return name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Sockets;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of webhook deliveries: resolves the host itself, refuses the whole
/// connection if any address is blocked by the <see cref="WebhookUrlPolicy"/>, and connects only to an address it checked, so a
/// DNS answer that changes after registration (rebinding) cannot lead into the app's network.
/// </summary>
public sealed class WebhookConnector
{
    private readonly WebhookUrlPolicy _policy;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly Func<IPEndPoint, IPEndPoint> _route;

    public WebhookConnector(WebhookUrlPolicy policy)
        : this(policy, Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>
    /// With a resolver of the test's choosing (answers that a public resolver could give) and optionally a route standing in for
    /// the internet: the vetted public endpoint is reached at the loopback endpoint it maps to, so Azure mode can be tested.
    /// </summary>
    internal WebhookConnector(WebhookUrlPolicy policy, Func<string, CancellationToken, Task<IPAddress[]>> resolve, Func<IPEndPoint, IPEndPoint>? route = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(resolve);
        _policy = policy;
        _resolve = resolve;
        _route = route ?? (endpoint => endpoint);
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        if (_policy.CheckHost(host) is { } refused)
        {
            throw new WebhookAddressBlockedException(host, null, refused);
        }

        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // One bad address refuses the name: a public name that also answers with an internal address is an attack, not a fallback.
        foreach (var address in addresses)
        {
            if (_policy.CheckAddress(address) is { } reason)
            {
                throw new WebhookAddressBlockedException(host, address, reason);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var endpoint = _route(new IPEndPoint(target, context.DnsEndPoint.Port));
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}

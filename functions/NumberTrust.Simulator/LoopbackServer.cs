using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NumberTrust.Simulator;

/// <summary>A bare Kestrel on 127.0.0.1 (port 0 = any free one, https when given a certificate) answering every request with one handler.</summary>
internal static class LoopbackServer
{
    public static async Task<(WebApplication App, Uri BaseUrl)> StartAsync(
        int port, X509Certificate2? certificate, long? maxRequestBodySize, RequestDelegate handler, CancellationToken cancellationToken)
    {
        ListenOptions? listener = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (maxRequestBodySize is { } max)
            {
                kestrel.Limits.MaxRequestBodySize = max;
            }

            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listener = listen;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        var scheme = certificate is null ? "http" : "https";
        return (app, new Uri($"{scheme}://127.0.0.1:{listener!.IPEndPoint!.Port}"));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

/// <summary>Input from outside that is wrong at the HTTP level: every answer the app can shape is a ProblemDetails, never a 500.</summary>
public sealed class HostileHttpTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private Uri _address = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _api = new ApiFactory(await Azurite.ConnectionStringAsync());
        _api.UseKestrel(0);
        _api.StartServer();
        _address = new Uri(_api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var tenant = await _api.TenantAsync();
        _key = tenant.DefaultRequestHeaders.GetValues(ApiHeaders.ApiKey).Single();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_chunk_size_that_overflows_is_a_400_problem_on_every_endpoint_that_reads_a_body()
    {
        foreach (var (method, path, type) in new[]
                 {
                     ("PUT", "/api/numbers/13800138000", "application/json"),
                     ("POST", "/api/numbers/import", "text/csv"),
                     ("PUT", "/api/peak-windows", "application/json"),
                     ("PUT", "/api/numbers/13800138000/expectations/baidu-haoma", "application/json"),
                     ("POST", "/api/numbers/13800138000/display-labels", "application/json"),
                     ("POST", "/api/documents", "application/json"),
                 })
        {
            var request = $"{method} {path} HTTP/1.1\r\nHost: {_address.Authority}\r\n{ApiHeaders.ApiKey}: {_key}\r\nContent-Type: {type}\r\n" +
                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffff\r\n{\"displayName\":\"x\"}\r\n";
            var (status, contentType, body) = await RawAsync(request);

            Assert.True(status == 400, $"{method} {path}: {status} {body}");
            Assert.StartsWith("application/problem+json", contentType);
            Assert.Equal(400, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task An_unknown_openapi_document_and_an_unknown_route_are_404_problems()
    {
        using var client = new HttpClient { BaseAddress = _address };
        foreach (var path in new[] { "/openapi/v2.json", "/api/no-such-thing", "/nothing-here" })
        {
            var response = await client.GetAsync(path);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task An_unauthenticated_request_is_401_before_its_media_type_is_looked_at()
    {
        using var client = new HttpClient { BaseAddress = _address };
        var response = await client.PutAsync("/api/numbers/13800138000", new StringContent("<xml/>", Encoding.UTF8, "application/xml"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private async Task<(int Status, string ContentType, string Body)> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var head = response[..response.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim() ?? "";
        var body = response[(head.Length + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }

        return (status, contentType, body);
    }

    private static string Unchunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..end], 16);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(chunked, end + 2, size);
            position = end + 2 + size + 2;
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NumberTrust.Simulator;

/// <summary>
/// A loopback HTTP server that speaks every built-in platform's response formats (and fake JSON vendors), one port per platform
/// because the real paths collide (Baidu <c>/s?wd=</c>, 360 <c>/s?q=</c>). Numbers are scripted (clean, labeled, changing over
/// time, cleared by an appeal) and faults are injected per platform, in process or over the control port (<c>/_sim/...</c>).
/// Adapters reach it only through configuration (<see cref="AdapterConfiguration"/>).
/// </summary>
public sealed class PlatformSimulator : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly WebApplication _app;
    private readonly SimulatorOptions _options;
    private readonly SimulatorState _state;
    private readonly Dictionary<string, Uri> _baseUrls;
    private readonly Dictionary<int, string> _platformByPort;
    private readonly Dictionary<string, VendorOptions> _vendors;

    private PlatformSimulator(WebApplication app, SimulatorOptions options, SimulatorState state, Dictionary<string, Uri> baseUrls, Uri controlUrl)
    {
        _app = app;
        _options = options;
        _state = state;
        _baseUrls = baseUrls;
        _platformByPort = baseUrls.ToDictionary(p => p.Value.Port, p => p.Key);
        _vendors = options.Vendors.ToDictionary(v => v.Id, StringComparer.Ordinal);
        ControlUrl = controlUrl;
    }

    /// <summary>Base URL of the HTTP control API (<c>/_sim/script</c>, <c>/_sim/faults</c>, <c>/_sim/appeal</c>, <c>/_sim/reset</c>, <c>/_sim/stats</c>, <c>/_sim/config</c>).</summary>
    public Uri ControlUrl { get; }

    /// <summary>Served platform and vendor ids.</summary>
    public IReadOnlyCollection<string> PlatformIds => _baseUrls.Keys;

    /// <summary>Starts Kestrel on 127.0.0.1: one port per platform and vendor, plus the control port.</summary>
    public static async Task<PlatformSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ids = options.Platforms.Concat(options.Vendors.Select(v => v.Id)).Distinct(StringComparer.Ordinal).ToList();
        var listeners = new Dictionary<string, ListenOptions>(StringComparer.Ordinal);
        ListenOptions? control = null;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                kestrel.Listen(IPAddress.Loopback, options.BasePort == 0 ? 0 : options.BasePort + i, listen => listeners[id] = listen);
            }

            kestrel.Listen(IPAddress.Loopback, options.BasePort == 0 ? 0 : options.BasePort + ids.Count, listen => control = listen);
        });

        var app = builder.Build();
        var state = new SimulatorState(options.Seed);
        PlatformSimulator? simulator = null;
        app.Run(context => simulator!.HandleAsync(context));
        await app.StartAsync(cancellationToken);

        var baseUrls = listeners.ToDictionary(l => l.Key, l => new Uri($"http://127.0.0.1:{l.Value.IPEndPoint!.Port}"), StringComparer.Ordinal);
        simulator = new PlatformSimulator(app, options, state, baseUrls, new Uri($"http://127.0.0.1:{control!.IPEndPoint!.Port}"));
        return simulator;
    }

    /// <summary>Base URL (scheme, host, port) of a platform or vendor.</summary>
    public Uri BaseUrlFor(string platformId) =>
        _baseUrls.TryGetValue(platformId, out var url) ? url : throw new KeyNotFoundException($"The simulator does not serve '{platformId}'.");

    /// <summary>
    /// Configuration that points the adapters at this simulator: <c>Platforms:&lt;id&gt;:Enabled</c>, <c>BaseUrl</c>, the credentials
    /// the simulator checks, and for vendors the complete JSON-adapter mapping. Feed it to <c>AddInMemoryCollection</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> AdapterConfiguration()
    {
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, url) in _baseUrls)
        {
            config[$"Platforms:{id}:Enabled"] = "true";
            config[$"Platforms:{id}:BaseUrl"] = url.ToString().TrimEnd('/');
        }

        if (_baseUrls.ContainsKey(SimulatedPlatforms.Tencent))
        {
            config["Platforms:tencent:SecretId"] = _options.TencentSecretId;
            config["Platforms:tencent:SecretKey"] = _options.TencentSecretKey;
            config["Platforms:tencent:ResourceId"] = _options.TencentResourceId;
        }

        if (_baseUrls.ContainsKey(SimulatedPlatforms.Telnyx))
        {
            config["Platforms:telnyx:ApiKey"] = _options.TelnyxApiKey;
        }

        foreach (var vendor in _options.Vendors)
        {
            foreach (var (key, value) in VendorConfiguration(vendor))
            {
                config[$"Platforms:{vendor.Id}:{key}"] = value;
            }
        }

        return config;
    }

    /// <summary>Scripts a number on a platform, or on every platform with <c>"*"</c>. The number may be given in E.164 or national form.</summary>
    public void Script(string platformId, string number, NumberScript script) => _state.Script(platformId, number, script);

    /// <summary>Records a successful appeal: scripts with <see cref="NumberScript.ClearOnAppeal"/> show the number clean from now on.</summary>
    public void MarkAppealed(string platformId, string number) => _state.MarkAppealed(platformId, number);

    /// <summary>Injects a fault on a platform (or every platform with <c>"*"</c>).</summary>
    public void InjectFault(string platformId, FaultSpec fault) => _state.AddFault(platformId, fault);

    /// <summary>Removes faults of one platform, or all.</summary>
    public void ClearFaults(string? platformId = null) => _state.ClearFaults(platformId);

    /// <summary>Forgets scripts, appeals, faults, counters and statistics.</summary>
    public void Reset() => _state.Reset(_options.Seed);

    /// <summary>Requests per platform since start or the last reset.</summary>
    public IReadOnlyDictionary<string, PlatformStats> Stats() => _state.Stats();

    /// <summary>Arrival times of every request to a platform since start or the last reset, in order.</summary>
    public IReadOnlyList<DateTimeOffset> RequestLog(string platformId) => _state.Arrivals(platformId);

    /// <summary>How many requests to a platform came with each User-Agent.</summary>
    public IReadOnlyDictionary<string, int> RequestsByUserAgent(string platformId) => _state.ArrivalsByAgent(platformId);

    public long RequestCount(string platformId) => Stats().TryGetValue(platformId, out var s) ? s.Requests : 0;

    /// <summary>Lookups of a number that a platform answered normally (what "appear after N lookups" counts).</summary>
    public int AnsweredLookups(string platformId, string number) => _state.AnsweredLookups(platformId, number);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        if (port == ControlUrl.Port)
        {
            await SimulatorControlApi.HandleAsync(this, context);
            return;
        }

        if (!_platformByPort.TryGetValue(port, out var platform))
        {
            context.Response.StatusCode = 404;
            return;
        }

        _state.Arrived(platform, _options.TimeProvider.GetUtcNow(), context.Request.Headers.UserAgent.ToString());
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        var request = ReadRequest(platform, context.Request, body);
        if (request is null)
        {
            _state.Count(platform, faulted: false);
            await WriteAsync(context, new SimResponse(404, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("Not a path this platform serves."), SimResponse.NoHeaders));
            return;
        }

        var (latency, fault, forcedLayout) = _state.NextFaults(platform);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _options.TimeProvider, context.RequestAborted);
        }

        if (fault is not null)
        {
            _state.Count(platform, faulted: true);
            await ApplyFaultAsync(context, platform, request, fault);
            return;
        }

        var denied = Authenticate(platform, context.Request, body);
        if (denied is not null)
        {
            _state.Count(platform, faulted: false);
            await WriteAsync(context, denied);
            return;
        }

        _state.Count(platform, faulted: false);
        var now = _options.TimeProvider.GetUtcNow();
        var (label, scriptedLayout) = _state.Answer(platform, request.Number, now);
        var layout = forcedLayout ?? scriptedLayout ?? request.LayoutHint;
        await WriteAsync(context, SimulatorFixtures.Render(RenderKey(platform), layout, request.Number, label, now));
    }

    private async Task ApplyFaultAsync(HttpContext context, string platform, SimRequest request, FaultSpec fault)
    {
        var key = RenderKey(platform);
        switch (fault.Kind)
        {
            case FaultKind.RateLimited:
                var retryAfter = (int)Math.Ceiling((fault.RetryAfter ?? TimeSpan.FromSeconds(30)).TotalSeconds);
                await WriteAsync(context, new SimResponse(429, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("Too Many Requests"),
                    new Dictionary<string, string> { ["Retry-After"] = retryAfter.ToString(CultureInfo.InvariantCulture) }));
                break;
            case FaultKind.ServerError:
                await WriteAsync(context, SimulatorFixtures.ServerError(fault.Status ?? 503));
                break;
            case FaultKind.ConnectionReset:
                context.Abort();
                break;
            case FaultKind.Hang:
                try
                {
                    await Task.Delay(_options.MaxHang, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // the client gave up, which is the point
                }

                context.Abort();
                break;
            case FaultKind.Captcha:
                await WriteAsync(context, SimulatorFixtures.Captcha(key, request.Number, fault.Variant));
                break;
            case FaultKind.Blocked:
                await WriteAsync(context, SimulatorFixtures.Blocked(key, request.Number));
                break;
            case FaultKind.UnknownLayout:
                await WriteAsync(context, SimulatorFixtures.UnknownLayout(key, request.Number, sogouWeb: request.LayoutHint is "script" or "haoma-tag"));
                break;
            case FaultKind.Empty:
                await WriteAsync(context, new SimResponse(200, NormalAnswer(platform, request).ContentType, [], SimResponse.NoHeaders));
                break;
            case FaultKind.Garbled:
                await WriteAsync(context, NormalAnswer(platform, request) with { Body = _state.RandomBytes(1536) });
                break;
            case FaultKind.Truncated:
                var full = NormalAnswer(platform, request);
                await WriteAsync(context, full with { Body = full.Body[..(full.Body.Length * 55 / 100)] });
                break;
            case FaultKind.ResetMidBody:
                var whole = NormalAnswer(platform, request);
                context.Response.StatusCode = whole.Status;
                context.Response.ContentType = whole.ContentType;
                context.Response.ContentLength = whole.Body.Length;
                await context.Response.Body.WriteAsync(whole.Body.AsMemory(0, whole.Body.Length / 2), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                // Let the headers and the first half reach the client before the reset (real time: a fake clock must not stall it).
                await Task.Delay(TimeSpan.FromMilliseconds(100), context.RequestAborted);
                context.Abort();
                break;
            default:
                await WriteAsync(context, NormalAnswer(platform, request));
                break;
        }
    }

    /// <summary>What the number would show now, without counting it as an answered lookup (the base of body faults).</summary>
    private SimResponse NormalAnswer(string platform, SimRequest request)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var (label, layout) = _state.Peek(platform, request.Number, now);
        return SimulatorFixtures.Render(RenderKey(platform), layout ?? request.LayoutHint, request.Number, label, now);
    }

    private string RenderKey(string platform) => _vendors.TryGetValue(platform, out var vendor) ? vendor.Shape.ToString() : platform;

    private SimRequest? ReadRequest(string platform, HttpRequest request, string body)
    {
        var path = request.Path.Value ?? "/";
        var query = request.Query;
        if (_vendors.TryGetValue(platform, out var vendor))
        {
            return vendor.Shape switch
            {
                VendorShape.Flat when path == "/api/v1/check" && query["phone"].ToString() is { Length: > 0 } phone => new SimRequest(phone, null),
                VendorShape.PerApp when path == "/v2/query" && HttpMethods.IsPost(request.Method) && JsonString(body, "mobile") is { } mobile => new SimRequest(mobile, null),
                _ => null,
            };
        }

        return platform switch
        {
            SimulatedPlatforms.Baidu when path == "/s" && (query["wd"].ToString() is { Length: > 0 } || query["word"].ToString() is { Length: > 0 }) =>
                new SimRequest(query.ContainsKey("word") ? query["word"].ToString() : query["wd"].ToString(),
                    query.ContainsKey("word") ? "wap" : query.ContainsKey("ie") ? "mobile" : "desktop"),
            SimulatedPlatforms.BaiduHaoma when path == "/phoneSearch" && (query["search"].ToString() is { Length: > 0 } || query["word"].ToString() is { Length: > 0 }) =>
                new SimRequest(query.ContainsKey("search") ? query["search"].ToString() : query["word"].ToString(), null),
            SimulatedPlatforms.Qihoo360 when path == "/s" && query["q"].ToString() is { Length: > 0 } q => new SimRequest(q, null),
            SimulatedPlatforms.Sogou when path == "/reventondc/inner/vrapi" && query["number"].ToString() is { Length: > 0 } n => new SimRequest(n, "jsonp"),
            SimulatedPlatforms.Sogou when path == "/web" && query["query"].ToString() is { Length: > 0 } web => new SimRequest(web, "script"),
            SimulatedPlatforms.Tencent when path == "/" && HttpMethods.IsPost(request.Method) && JsonString(body, "RequestData", "PhoneNumber") is { } phone => new SimRequest(phone, null),
            SimulatedPlatforms.Telnyx when TelnyxNumber(path) is { } e164 => new SimRequest(e164, null),
            SimulatedPlatforms.Nomorobo when path.StartsWith("/lookup/", StringComparison.Ordinal) && path.Length > "/lookup/".Length => new SimRequest(path["/lookup/".Length..], null),
            _ => null,
        };
    }

    private SimResponse? Authenticate(string platform, HttpRequest request, string body)
    {
        if (_vendors.TryGetValue(platform, out var vendor))
        {
            var ok = vendor.Shape == VendorShape.Flat
                ? request.Headers["X-Api-Key"].ToString() == vendor.ApiKey
                : request.Headers.Authorization.ToString() == "Bearer " + vendor.ApiKey;
            return ok ? null : SimulatorFixtures.VendorUnauthorized(vendor.Shape);
        }

        return platform switch
        {
            SimulatedPlatforms.Telnyx when request.Headers.Authorization.ToString() != "Bearer " + _options.TelnyxApiKey =>
                SimulatorFixtures.TelnyxError("unauthorized.json", 401),
            SimulatedPlatforms.Tencent => Tc3Verifier.Verify(request, body, _options.TencentSecretId, _options.TencentSecretKey, _options.TimeProvider.GetUtcNow()) is { } error
                ? SimulatorFixtures.TencentError(error.Code, error.Message)
                : null,
            _ => null,
        };
    }

    private static string? TelnyxNumber(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /v2/reputation/numbers/{phone} or /v2/enterprises/{id}/reputation/numbers/{phone}
        var simplified = parts is ["v2", "reputation", "numbers", var phone] ? phone : null;
        var scoped = parts is ["v2", "enterprises", _, "reputation", "numbers", var scopedPhone] ? scopedPhone : null;
        return (simplified ?? scoped) is { } raw ? Uri.UnescapeDataString(raw) : null;
    }

    private static string? JsonString(string body, params string[] path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var element = document.RootElement;
            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || HttpMethods.IsGet(request.Method))
        {
            return "";
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static async Task WriteAsync(HttpContext context, SimResponse response)
    {
        context.Response.StatusCode = response.Status;
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private Dictionary<string, string> VendorConfiguration(VendorOptions vendor) => vendor.Shape switch
    {
        VendorShape.Flat => new()
        {
            ["Name"] = $"Fake vendor {vendor.Id} (flat)",
            ["Market"] = "CN",
            ["Json:UrlTemplate"] = "/api/v1/check?phone={e164}",
            ["Json:AuthHeaderName"] = "X-Api-Key",
            ["Json:AuthHeaderValue"] = vendor.ApiKey,
            ["Json:SuccessPath"] = "code",
            ["Json:SuccessValues:0"] = "0",
            ["Json:LabelPath"] = "result.label",
            ["Json:CountPath"] = "result.reports",
            ["Json:NoLabelPath"] = "result.tagged",
            ["Json:NoLabelValues:0"] = "false",
        },
        _ => new()
        {
            ["Name"] = $"Fake vendor {vendor.Id} (per app)",
            ["Market"] = "CN",
            ["Json:UrlTemplate"] = "/v2/query",
            ["Json:Method"] = "POST",
            ["Json:Body"] = "{\"mobile\":\"{national}\"}",
            ["Json:AuthHeaderName"] = "Authorization",
            ["Json:AuthHeaderValue"] = "Bearer " + vendor.ApiKey,
            ["Json:SuccessPath"] = "$.status",
            ["Json:SuccessValues:0"] = "ok",
            ["Json:ArrayPath"] = "data",
            ["Json:LabelPath"] = "msg",
            ["Json:CountPath"] = "count",
            ["Json:SourceAppPath"] = "name",
        },
    };

    private sealed record SimRequest(string Number, string? LayoutHint);
}

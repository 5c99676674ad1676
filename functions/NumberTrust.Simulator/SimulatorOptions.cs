namespace NumberTrust.Simulator;

/// <summary>Settings of a <see cref="PlatformSimulator"/>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Platforms to serve (one loopback port each). Default: every built-in platform.</summary>
    public List<string> Platforms { get; set; } = [.. SimulatedPlatforms.BuiltIn];

    /// <summary>Fake label-check vendors for the JSON adapter, each on its own port.</summary>
    public List<VendorOptions> Vendors { get; set; } = [];

    /// <summary>0 = random free ports; otherwise platform i listens on BasePort + i and the control API on BasePort + count.</summary>
    public int BasePort { get; set; }

    /// <summary>Clock for time-based scripts, latency faults and Tencent timestamp checks.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of the random source behind probabilistic faults and garbled bodies.</summary>
    public int Seed { get; set; } = 20_240_601;

    /// <summary>Credentials the simulated Tencent Cloud API verifies (TC3-HMAC-SHA256).</summary>
    public string TencentSecretId { get; set; } = "AKIDsimulator0000000000000000000000";

    public string TencentSecretKey { get; set; } = "simulator-tencent-secret-key-0000";

    public string TencentResourceId { get; set; } = "smpn-simulator";

    /// <summary>Bearer key the simulated Telnyx API accepts.</summary>
    public string TelnyxApiKey { get; set; } = "KEYsimulator-telnyx";

    /// <summary>Longest a "hang" fault holds a request open when the client never gives up.</summary>
    public TimeSpan MaxHang { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Response shapes of the built-in fake vendors.</summary>
public enum VendorShape
{
    /// <summary>GET <c>/api/v1/check?phone={e164}</c>, header <c>X-Api-Key</c>; <c>{"code":0,"result":{"tagged":true,"label":"…","reports":n}}</c>.</summary>
    Flat,
    /// <summary>POST <c>/v2/query</c> with <c>{"mobile":"…"}</c>, Bearer key; <c>{"status":"ok","data":[{"name":app,"msg":label,"count":n}, …]}</c>.</summary>
    PerApp,
}

/// <summary>A fake label-check vendor served by the simulator.</summary>
public sealed record VendorOptions(string Id, VendorShape Shape, string ApiKey = "vendor-secret-key");

/// <summary>Ids of the platforms the simulator speaks (same ids as the adapters' configuration sections).</summary>
public static class SimulatedPlatforms
{
    public const string Baidu = "baidu";
    public const string BaiduHaoma = "baidu-haoma";
    public const string Qihoo360 = "qihoo360";
    public const string Sogou = "sogou";
    public const string Tencent = "tencent";
    public const string Telnyx = "telnyx";
    public const string Nomorobo = "nomorobo";

    public static readonly IReadOnlyList<string> BuiltIn = [Baidu, BaiduHaoma, Qihoo360, Sogou, Tencent, Telnyx, Nomorobo];
}

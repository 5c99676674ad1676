using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Labels;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

public sealed class TencentTests
{
    [Fact]
    public void Signature_matches_tencent_clouds_published_example()
    {
        // The worked example of Tencent Cloud's "Signature v3" document (CVM DescribeInstances, 2019-02-25).
        const string payload = """{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}""";
        var canonical = Tc3Signer.CanonicalRequest("application/json; charset=utf-8", "cvm.tencentcloudapi.com", payload);
        var stringToSign = Tc3Signer.StringToSign(1551113065, "cvm", canonical);

        Assert.Equal("2019-02-25", Tc3Signer.Date(1551113065));
        Assert.Equal("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064", canonical.Split('\n')[^1]);
        Assert.Equal("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031", stringToSign.Split('\n')[^1]);
        Assert.Equal("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
            Tc3Signer.Signature("Gu5t9xGARNpq86cd98joQYCN3*******", 1551113065, "cvm", stringToSign));
    }

    [Fact]
    public void Authorization_header_matches_an_independent_implementation_of_the_spec()
    {
        const string secretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
        const string secretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
        const string payload = """{"ResourceId":"res-1","RequestData":{"PhoneNumber":"13800138000"}}""";
        const long timestamp = 1551113065;

        // Straight from the documented steps, written separately from the adapter's signer.
        static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();
        static byte[] Hmac(byte[] key, string data) => new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes(data));
        var canonical = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:smpn.tencentcloudapi.com\n\ncontent-type;host\n" +
                        Hex(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
        var toSign = $"TC3-HMAC-SHA256\n{timestamp}\n2019-02-25/smpn/tc3_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), "2019-02-25"), "smpn"), "tc3_request");
        var expected = $"TC3-HMAC-SHA256 Credential={secretId}/2019-02-25/smpn/tc3_request, SignedHeaders=content-type;host, Signature={Hex(Hmac(key, toSign))}";

        Assert.Equal(expected, Tc3Signer.Authorization(secretId, secretKey, "smpn", "smpn.tencentcloudapi.com", "application/json; charset=utf-8", payload, timestamp));
        // Computed once more with Python's hmac/hashlib from the same spec.
        Assert.EndsWith("Signature=97e701a63e2cbee20bbfa816d9759139abbc784505efcd17773269c369f30554", expected);
    }

    [Theory]
    [InlineData("骚扰电话", LabelCategory.Harassment)]
    [InlineData("房产中介", LabelCategory.RealEstateAgent)]
    [InlineData("保险理财", LabelCategory.Insurance)]
    [InlineData("广告推销", LabelCategory.Sales)]
    [InlineData("诈骗电话", LabelCategory.Fraud)]
    [InlineData("快递电话", LabelCategory.Delivery)]
    [InlineData("出租车专车", LabelCategory.Taxi)]
    public async Task Every_tag_type_maps_to_its_category(string label, LabelCategory category)
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Tencent, "13800138000", NumberScript.Labeled(label, 7));

        var result = await harness.LookupAsync(SimulatedPlatforms.Tencent);

        Assert.Equal(category, result.Category);
        Assert.Equal(label, result.LabelText);
        Assert.Equal(7, result.ReportCount);
        Assert.Equal("腾讯手机管家", result.SourceApp);
    }

    [Fact]
    public async Task An_unknown_nonzero_tag_type_is_still_a_label()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Tencent, "13800138000", NumberScript.Labeled("61", 2));

        var result = await harness.LookupAsync(SimulatedPlatforms.Tencent);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal(LabelCategory.Other, result.Category);
        Assert.Equal("TagType 61", result.LabelText);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_rejected_by_the_signature_check_and_is_unauthorized()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:tencent:SecretKey"] = "not-the-key");
        harness.Simulator.Script(SimulatedPlatforms.Tencent, "13800138000", NumberScript.Clean());

        var result = await harness.LookupAsync(SimulatedPlatforms.Tencent);

        Assert.Equal(UnknownReason.Unauthorized, result.Reason);
        Assert.Contains("AuthFailure.SignatureFailure", result.Detail);
    }

    [Fact]
    public async Task A_clock_more_than_five_minutes_off_gives_signature_expired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-30));
        await using var harness = await PlatformHarness.StartAsync(adapterTime: clock);

        var result = await harness.LookupAsync(SimulatedPlatforms.Tencent);

        Assert.Equal(UnknownReason.Unauthorized, result.Reason);
        Assert.Contains("SignatureExpire", result.Detail);
        Assert.Equal(clock.GetUtcNow(), result.Evidence.ObservedAt);
    }

    [Fact]
    public async Task Region_header_is_sent_when_configured_and_still_verifies()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:tencent:Region"] = "ap-guangzhou");
        harness.Simulator.Script(SimulatedPlatforms.Tencent, "13800138000", NumberScript.Clean());

        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(SimulatedPlatforms.Tencent)).Outcome);
    }
}

public sealed class TelnyxTests
{
    [Theory]
    [InlineData("Telemarketer", LabelCategory.Sales)]
    [InlineData("Debt Collector", LabelCategory.DebtCollection)]
    [InlineData("Survey", LabelCategory.Survey)]
    [InlineData("Nonprofit", LabelCategory.NonProfit)]
    [InlineData("Political", LabelCategory.Political)]
    [InlineData("Brand New Category", LabelCategory.Other)]
    public async Task Spam_category_is_the_label(string category, LabelCategory expected)
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Telnyx, "+12125550100", NumberScript.Labeled(category));

        var result = await harness.LookupAsync(SimulatedPlatforms.Telnyx);

        Assert.Equal(expected, result.Category);
        Assert.Equal(category, result.LabelText);
        Assert.Contains("/v2/reputation/numbers/%2B12125550100", result.Evidence.RequestedUrl);
        Assert.Contains("maturity 34", result.Detail);
    }

    [Theory]
    [InlineData("high-no-category", LookupOutcome.Labeled, null)]
    [InlineData("medium", LookupOutcome.Clean, null)]
    [InlineData("default", LookupOutcome.Clean, null)]
    [InlineData("no-data", LookupOutcome.Unknown, UnknownReason.InsufficientData)]
    public async Task Risk_levels_without_a_category(string layout, LookupOutcome outcome, UnknownReason? reason)
    {
        await using var harness = await PlatformHarness.StartAsync();
        var script = layout == "high-no-category" ? NumberScript.Labeled("x").WithLayout(layout) : NumberScript.Clean().WithLayout(layout);
        harness.Simulator.Script(SimulatedPlatforms.Telnyx, "+12125550100", script);

        var result = await harness.LookupAsync(SimulatedPlatforms.Telnyx);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(reason, result.Reason);
        if (outcome == LookupOutcome.Labeled)
        {
            Assert.Equal(LabelCategory.Spam, result.Category);
        }
    }

    [Fact]
    public async Task Wrong_api_key_is_unauthorized_and_fresh_and_enterprise_paths_are_used()
    {
        await using (var harness = await PlatformHarness.StartAsync(s => s["Platforms:telnyx:ApiKey"] = "wrong"))
        {
            Assert.Equal(UnknownReason.Unauthorized, (await harness.LookupAsync(SimulatedPlatforms.Telnyx)).Reason);
        }

        await using (var harness = await PlatformHarness.StartAsync(s =>
                     {
                         s["Platforms:telnyx:Fresh"] = "true";
                         s["Platforms:telnyx:EnterpriseId"] = "ent-42";
                     }))
        {
            var result = await harness.LookupAsync(SimulatedPlatforms.Telnyx);
            Assert.Equal(LookupOutcome.Clean, result.Outcome);
            Assert.Contains("/v2/enterprises/ent-42/reputation/numbers/%2B12125550100?fresh=true", result.Evidence.RequestedUrl);
        }
    }

    [Fact]
    public async Task Non_us_numbers_are_not_applicable_and_send_nothing()
    {
        await using var harness = await PlatformHarness.StartAsync();

        var result = await harness.LookupAsync(SimulatedPlatforms.Telnyx, PlatformHarness.CnMobile);

        Assert.Equal(UnknownReason.NotApplicable, result.Reason);
        Assert.Equal(0, harness.Simulator.RequestCount(SimulatedPlatforms.Telnyx));
    }
}

public sealed class NomoroboTests
{
    [Fact]
    public async Task Scam_is_fraud_robocall_is_robocall_and_severe_is_a_severity_not_a_category()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Nomorobo, "+12125550100", NumberScript.Labeled("SCAM"));
        var scam = await harness.LookupAsync(SimulatedPlatforms.Nomorobo);
        Assert.Equal(LabelCategory.Fraud, scam.Category);
        Assert.Contains("/lookup/212-555-0100", scam.Evidence.RequestedUrl);

        harness.Simulator.Script(SimulatedPlatforms.Nomorobo, "+12125550100", NumberScript.Labeled("ROBOCALL"));
        Assert.Equal(LabelCategory.Robocall, (await harness.LookupAsync(SimulatedPlatforms.Nomorobo)).Category);

        harness.Simulator.Script(SimulatedPlatforms.Nomorobo, "+12125550100", NumberScript.Labeled("ROBOCALL").WithLayout("severe"));
        var severe = await harness.LookupAsync(SimulatedPlatforms.Nomorobo);
        Assert.Equal(LabelCategory.Robocall, severe.Category);
        Assert.Equal("ROBOCALL", severe.LabelText);
        Assert.Equal("severe", severe.Severity);
        Assert.Null(scam.Severity);
    }

    [Fact]
    public async Task Nomorobos_own_404_is_clean_and_non_nanp_numbers_are_not_applicable()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var clean = await harness.LookupAsync(SimulatedPlatforms.Nomorobo);
        Assert.Equal(LookupOutcome.Clean, clean.Outcome);
        Assert.Equal(404, clean.Evidence.HttpStatus);

        var foreign = await harness.LookupAsync(SimulatedPlatforms.Nomorobo, PlatformHarness.GbNumber);
        Assert.Equal(UnknownReason.NotApplicable, foreign.Reason);
    }
}

public sealed class JsonAdapterTests
{
    [Fact]
    public async Task Flat_vendor_label_count_and_clean_are_read_from_configured_paths()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(PlatformHarness.VendorFlat, "+8613800138000", NumberScript.Labeled("骚扰电话", 41));
        var labeled = await harness.LookupAsync(PlatformHarness.VendorFlat);
        Assert.Equal(LabelCategory.Harassment, labeled.Category);
        Assert.Equal(41, labeled.ReportCount);
        Assert.Contains("/api/v1/check?phone=%2B8613800138000", labeled.Evidence.RequestedUrl);

        harness.Simulator.Script(PlatformHarness.VendorFlat, "+8613800138000", NumberScript.Clean());
        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(PlatformHarness.VendorFlat)).Outcome);
    }

    [Fact]
    public async Task Per_app_vendor_reports_the_worst_label_with_its_app_as_source()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(PlatformHarness.VendorApps, "13800138000", NumberScript.Labeled("广告推销|诈骗电话", 9));

        var result = await harness.LookupAsync(PlatformHarness.VendorApps);

        Assert.Equal(LabelCategory.Fraud, result.Category);
        Assert.Equal("诈骗电话", result.LabelText);
        Assert.Equal(SimulatorFixtures.VendorApps[1], result.SourceApp);
        Assert.Contains("广告推销", result.Detail);

        harness.Simulator.Script(PlatformHarness.VendorApps, "13800138000", NumberScript.Clean());
        Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(PlatformHarness.VendorApps)).Outcome);
    }

    [Fact]
    public async Task Label_map_overrides_the_taxonomy_for_a_vendors_own_words()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s[$"Platforms:{PlatformHarness.VendorFlat}:Json:LabelMap:疑似响一声骚扰"] = "OneRing");
        harness.Simulator.Script(PlatformHarness.VendorFlat, "+8613800138000", NumberScript.Labeled("疑似响一声骚扰", 3));

        var result = await harness.LookupAsync(PlatformHarness.VendorFlat);

        Assert.Equal(LabelCategory.OneRing, result.Category);
        Assert.Equal("疑似响一声骚扰", result.LabelText);
    }

    [Fact]
    public async Task Wrong_key_and_failed_success_check_are_unknown()
    {
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            s[$"Platforms:{PlatformHarness.VendorFlat}:Json:AuthHeaderValue"] = "wrong";
            s[$"Platforms:{PlatformHarness.VendorApps}:Json:AuthHeaderValue"] = "Bearer wrong";
        });

        Assert.Equal(UnknownReason.Unauthorized, (await harness.LookupAsync(PlatformHarness.VendorFlat)).Reason);
        Assert.Equal(UnknownReason.Unauthorized, (await harness.LookupAsync(PlatformHarness.VendorApps)).Reason);
    }

    [Theory]
    [InlineData("""{"a":{"b":[{"c":1},{"c":2}]}}""", "a.b[*].c", "1,2")]
    [InlineData("""{"a":{"b":[{"c":1},{"c":2}]}}""", "$.a.b[1].c", "2")]
    [InlineData("""{"odd key":{"x":"y"}}""", "['odd key'].x", "\"y\"")]
    [InlineData("""{"data":[{"name":"n","msg":""}]}""", "data[0].msg", "\"\"")]
    [InlineData("""{"a":1}""", "a.b", "")]
    [InlineData("""[{"v":true}]""", "[0].v", "true")]
    public void Json_path_subset_selects_elements(string json, string path, string expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var selected = JsonPath.Parse(path).Evaluate(document.RootElement).Select(e => e.GetRawText());
        Assert.Equal(expected, string.Join(",", selected));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("a[x]")]
    [InlineData("a[0")]
    public void Invalid_json_paths_are_rejected(string path) => Assert.False(JsonPath.TryParse(path, out _, out _));
}

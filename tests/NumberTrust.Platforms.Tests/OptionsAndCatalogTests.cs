using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Labels;

namespace NumberTrust.Platforms.Tests;

public sealed class OptionsAndCatalogTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPlatforms(configuration).AddSingleton<ConfigurationCheck>().BuildServiceProvider();
    }

    /// <summary>What the configuration check (health, start-up log) says of the settings; the adapters refuse to start with the same.</summary>
    private static string StartUpError(Dictionary<string, string?> settings)
    {
        using var services = Build(settings);
        var reported = string.Join(" | ", services.GetRequiredService<ConfigurationCheck>().Problems());
        var thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IPlatformAdapterRegistry>()).Message;
        Assert.NotEmpty(reported);
        return reported + " | " + thrown;
    }

    [Fact]
    public void Enabled_tencent_without_credentials_is_reported_with_a_clear_message()
    {
        var message = StartUpError(new() { ["Platforms:tencent:Enabled"] = "true" });
        Assert.Contains("Platforms:tencent: enabled tencent needs SecretId and SecretKey", message);
        Assert.Contains("ResourceId", message);
    }

    [Fact]
    public void Enabled_telnyx_without_api_key_is_reported()
    {
        Assert.Contains("enabled telnyx needs ApiKey", StartUpError(new() { ["Platforms:telnyx:Enabled"] = "true" }));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5301/prefix", "may only give scheme, host and port")]
    [InlineData("ftp://example.com", "must be an absolute http or https URL")]
    [InlineData("not a url", "must be an absolute http or https URL")]
    public void Base_url_must_be_scheme_host_and_port_only(string baseUrl, string expected)
    {
        Assert.Contains(expected, StartUpError(new() { ["Platforms:qihoo360:BaseUrl"] = baseUrl }));
    }

    [Fact]
    public void Out_of_range_and_inconsistent_values_are_rejected()
    {
        var message = StartUpError(new()
        {
            ["Platforms:baidu:MaxConcurrency"] = "0",
            ["Platforms:baidu:Timeout"] = "00:00:01",
            ["Platforms:baidu:AttemptTimeout"] = "00:00:05",
            ["Platforms:baidu:Enabled"] = "true",
            ["Platforms:baidu:Variant"] = "tablet",
        });
        Assert.Contains("MaxConcurrency must be between 1 and 256", message);
        Assert.Contains("AttemptTimeout (00:00:05) must not exceed Timeout (00:00:01)", message);
        Assert.Contains("Variant must be one of desktop, mobile, wap", message);
    }

    [Fact]
    public void A_json_platform_needs_a_url_template_a_label_path_and_valid_paths_and_categories()
    {
        var message = StartUpError(new()
        {
            ["Platforms:acme:Enabled"] = "true",
            ["Platforms:acme:Json:LabelPath"] = "data..label",
            ["Platforms:acme:Json:NoLabelPath"] = "data.tagged",
            ["Platforms:acme:Json:LabelMap:坏人"] = "Villain",
        });
        Assert.Contains("Platforms:acme:Json:UrlTemplate is required", message);
        Assert.Contains("LabelPath 'data..label' is not a supported path", message);
        Assert.Contains("NoLabelValues must list", message);
        Assert.Contains("'Villain' is not a label category", message);
    }

    [Fact]
    public void A_complete_configuration_starts_and_the_catalog_lists_every_platform()
    {
        using var services = Build(new()
        {
            ["Platforms:qihoo360:Enabled"] = "true",
            ["Platforms:telnyx:Enabled"] = "true",
            ["Platforms:telnyx:ApiKey"] = "KEY123",
            ["Platforms:Acme:Enabled"] = "true",
            ["Platforms:Acme:Name"] = "Acme label check",
            ["Platforms:Acme:Market"] = "CN",
            ["Platforms:Acme:AppealChannel"] = "Acme support desk",
            ["Platforms:Acme:Json:UrlTemplate"] = "https://api.acme.example/v1/check?phone={e164}",
            ["Platforms:Acme:Json:LabelPath"] = "label",
        });
        Assert.Empty(services.GetRequiredService<ConfigurationCheck>().Problems());

        var routes = ActivatorUtilities.CreateInstance<NumberTrust.Appeals.AppealRoutes>(services);
        var catalog = PlatformsApi.List(services.GetRequiredService<PlatformCatalog>(), routes).Value!.Items;

        Assert.Equal([.. PlatformIds.BuiltIn, "acme"], catalog.Select(c => c.Id));
        var qihoo = catalog.Single(c => c.Id == PlatformIds.Qihoo360);
        Assert.True(qihoo.Enabled);
        Assert.Equal("CN", qihoo.Market);
        Assert.Equal(LookupMethods.WebPage, qihoo.LookupMethod);
        Assert.Contains("haomashensu.360.cn", qihoo.Appeal.Url);
        Assert.Contains(LabelCategory.Fraud, qihoo.Categories);
        Assert.True(catalog.Single(c => c.Id == PlatformIds.Baidu).Enabled); // needs no credentials, so on unless configured off
        Assert.False(catalog.Single(c => c.Id == PlatformIds.Tencent).Enabled); // needs credentials, none given
        Assert.Equal("https://haoma.baidu.com/appeal", catalog.Single(c => c.Id == PlatformIds.Baidu).Appeal.Url);
        Assert.Equal(LookupMethods.Api, catalog.Single(c => c.Id == PlatformIds.Tencent).LookupMethod);
        var acme = catalog.Single(c => c.Id == "acme");
        Assert.Equal(("Acme label check", "CN", true, "Acme support desk"), (acme.Name, acme.Market, acme.Enabled, acme.Appeal.Notes));

        var json = JsonSerializer.Serialize(catalog, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Contains("\"categories\":[\"Fraud\"", json);
    }

    [Fact]
    public void Lookup_results_round_trip_through_json_with_stable_names()
    {
        var observed = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var labeled = LookupResult.Labeled("baidu", LabelCategory.Fraud, "诈骗电话", 12, "电话邦", new LookupEvidence("https://www.baidu.com/s?wd=1", 200, "被12个电话邦用户标记为诈骗电话", observed));
        var unknown = LookupResult.Unknown("qihoo360", UnknownReason.CircuitOpen, new LookupEvidence(null, null, null, observed), "open", TimeSpan.FromMinutes(5));

        var labeledJson = JsonSerializer.Serialize(labeled);
        var unknownJson = JsonSerializer.Serialize(unknown);

        Assert.Contains("\"Outcome\":\"Labeled\"", labeledJson);
        Assert.Contains("\"Category\":\"Fraud\"", labeledJson);
        Assert.Contains("\"Reason\":\"CircuitOpen\"", unknownJson);
        Assert.Equal(labeled, JsonSerializer.Deserialize<LookupResult>(labeledJson));
        Assert.Equal(unknown, JsonSerializer.Deserialize<LookupResult>(unknownJson));
    }

    [Fact]
    public void A_result_carries_only_the_fields_of_its_outcome()
    {
        var evidence = new LookupEvidence(null, 200, null, DateTimeOffset.UnixEpoch);
        var clean = new LookupResult("x", LookupOutcome.Clean, evidence, LabelCategory.Fraud, "诈骗", 3, "app", UnknownReason.Blocked, TimeSpan.FromSeconds(1));
        Assert.Null(clean.Category);
        Assert.Null(clean.LabelText);
        Assert.Null(clean.Reason);
        Assert.Null(clean.RetryAfter);
    }

    [Fact]
    public void Platforms_without_credentials_are_on_by_default_and_the_others_once_their_credentials_are_given()
    {
        using var none = Build(new());
        var registry = none.GetRequiredService<IPlatformAdapterRegistry>();
        Assert.Equal([PlatformIds.Baidu, PlatformIds.BaiduHaoma, PlatformIds.Qihoo360, PlatformIds.Sogou, PlatformIds.Nomorobo], registry.EnabledIds);

        using var credentials = Build(new()
        {
            ["Platforms:telnyx:ApiKey"] = "KEY123",
            ["Platforms:tencent:SecretId"] = "id",
            ["Platforms:tencent:SecretKey"] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/tencent-secret-key/1)",
            ["Platforms:sogou:Enabled"] = "false",
        });
        var enabled = credentials.GetRequiredService<IPlatformAdapterRegistry>().EnabledIds;
        Assert.Contains(PlatformIds.Telnyx, enabled);
        Assert.DoesNotContain(PlatformIds.Tencent, enabled); // an unresolved Key Vault reference is no credential
        Assert.DoesNotContain(PlatformIds.Sogou, enabled);
    }
}

using NumberTrust.Labels;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

/// <summary>Every layout of the fixture corpus, labeled and clean, read over HTTP from the simulator.</summary>
public sealed class FixtureCorpusTests
{
    public static TheoryData<string, string, string, int, string?, LabelCategory> LabeledLayouts => new()
    {
        // platform, layout, label text, count, expected source app, expected category
        { SimulatedPlatforms.Baidu, "desktop", "骚扰电话", 312, "百度手机卫士", LabelCategory.Harassment },
        { SimulatedPlatforms.Baidu, "mobile", "诈骗电话", 57, "百度手机卫士", LabelCategory.Fraud },
        { SimulatedPlatforms.Baidu, "wap", "广告推销", 8, "百度手机卫士", LabelCategory.Sales },
        { SimulatedPlatforms.BaiduHaoma, "report", "房产中介", 21, null, LabelCategory.RealEstateAgent },
        { SimulatedPlatforms.Qihoo360, "tel-mark", "骚扰电话", 1024, "360手机卫士", LabelCategory.Harassment },
        { SimulatedPlatforms.Qihoo360, "tel-mark-zp", "保险理财", 77, null, LabelCategory.Insurance },
        { SimulatedPlatforms.Qihoo360, "mohe-tips", "快递送餐", 5, "360手机卫士", LabelCategory.Delivery },
        { SimulatedPlatforms.Qihoo360, "hy-tips", "招聘猎头", 14, "360手机卫士", LabelCategory.Recruiter },
        { SimulatedPlatforms.Sogou, "jsonp", "骚扰电话", 87, "搜狗号码通", LabelCategory.Harassment },
        { SimulatedPlatforms.Tencent, "api", "诈骗电话", 45, "腾讯手机管家", LabelCategory.Fraud },
        { SimulatedPlatforms.Nomorobo, "profile", "ROBOCALL", 41, null, LabelCategory.Robocall },
    };

    [Fact]
    public async Task A_baidu_card_with_only_its_label_element_is_labeled_with_that_label_and_no_count()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var number = PlatformHarness.NumberFor(SimulatedPlatforms.Baidu);
        harness.Simulator.Script(SimulatedPlatforms.Baidu, number.E164, NumberScript.Labeled("诈骗电话", 9).WithLayout("desktop-label-only"));

        var result = await harness.LookupAsync(SimulatedPlatforms.Baidu, number);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal(LabelCategory.Fraud, result.Category);
        Assert.Equal("诈骗电话", result.LabelText);
        Assert.Null(result.ReportCount);
        Assert.Null(result.SourceApp);
    }

    [Theory]
    [MemberData(nameof(LabeledLayouts))]
    public async Task Labeled_layout_is_read_with_category_text_count_and_source(string platform, string layout, string label, int count, string? source, LabelCategory category)
    {
        await using var harness = await PlatformHarness.StartAsync();
        var number = PlatformHarness.NumberFor(platform);
        harness.Simulator.Script(platform, number.E164, NumberScript.Labeled(label, count).WithLayout(layout));

        var result = await harness.LookupAsync(platform, number);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal(category, result.Category);
        Assert.Equal(label, result.LabelText);
        Assert.Equal(platform == SimulatedPlatforms.Nomorobo ? null : count, result.ReportCount);
        Assert.Equal(source, result.SourceApp);
        Assert.Equal(200, result.Evidence.HttpStatus);
        Assert.NotNull(result.Evidence.RequestedUrl);
        Assert.StartsWith(harness.Simulator.BaseUrlFor(platform).ToString(), result.Evidence.RequestedUrl);
        Assert.False(string.IsNullOrEmpty(result.Evidence.Excerpt));
        Assert.True(result.Evidence.Excerpt!.Length <= PageText.MaxExcerpt);
    }

    public static TheoryData<string, string> CleanLayouts()
    {
        var data = new TheoryData<string, string>();
        foreach (var platform in SimulatedPlatforms.BuiltIn)
        {
            foreach (var layout in SimulatorFixtures.Layouts(platform).Where(l => l.State == LayoutState.Clean).Select(l => l.Layout).Distinct())
            {
                if (platform == SimulatedPlatforms.Telnyx && layout == "no-data")
                {
                    continue; // no data is Unknown(InsufficientData), tested in TelnyxTests
                }

                data.Add(platform, layout);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CleanLayouts))]
    public async Task Clean_layout_is_read_as_clean(string platform, string layout)
    {
        await using var harness = await PlatformHarness.StartAsync(settings =>
        {
            if (platform == SimulatedPlatforms.Sogou && layout != "jsonp")
            {
                settings["Platforms:sogou:Variant"] = "web";
            }

            if (platform == SimulatedPlatforms.Baidu)
            {
                settings["Platforms:baidu:Variant"] = layout;
            }
        });
        var number = PlatformHarness.NumberFor(platform);
        harness.Simulator.Script(platform, number.E164, NumberScript.Clean().WithLayout(layout));

        var result = await harness.LookupAsync(platform, number);

        Assert.Equal(LookupOutcome.Clean, result.Outcome);
        Assert.Null(result.Category);
        Assert.NotNull(result.Evidence.Excerpt);
    }

    [Theory]
    [InlineData("desktop", "/s?wd=")]
    [InlineData("mobile", "/s?ie=UTF-8&wd=")]
    [InlineData("wap", "/s?word=")]
    public async Task Baidu_variant_requests_the_platforms_own_path_and_reads_its_markup(string variant, string path)
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:baidu:Variant"] = variant);
        harness.Simulator.Script(SimulatedPlatforms.Baidu, "13800138000", NumberScript.Labeled("骚扰电话", 9, "电话邦"));

        var result = await harness.LookupAsync(SimulatedPlatforms.Baidu);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal("电话邦", result.SourceApp);
        Assert.Equal(9, result.ReportCount);
        Assert.Contains(path + "13800138000", result.Evidence.RequestedUrl);
    }

    [Fact]
    public async Task Baidu_landline_is_searched_with_its_trunk_prefix()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Baidu, "+861065529988", NumberScript.Labeled("客服热线", 3));

        var result = await harness.LookupAsync(SimulatedPlatforms.Baidu, PlatformHarness.CnLandline);

        Assert.Contains("wd=01065529988", result.Evidence.RequestedUrl);
        Assert.Equal(LabelCategory.CustomerService, result.Category);
    }

    [Fact]
    public async Task Haoma_user_marks_report_the_worst_of_several_tags()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.BaiduHaoma, "13800138000", NumberScript.Labeled("快递物流|诈骗电话|骚扰电话", 33));

        var result = await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma);

        Assert.Equal(LabelCategory.Fraud, result.Category);
        Assert.Equal("诈骗电话", result.LabelText);
        Assert.Contains("快递物流", result.Detail);
    }

    [Fact]
    public async Task Haoma_verified_business_name_is_the_displayed_identity_not_a_label()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.BaiduHaoma, "13800138000", NumberScript.Labeled("示例科技客服").WithLayout("verified"));

        var result = await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma);

        Assert.Equal(LookupOutcome.Clean, result.Outcome);
        Assert.Null(result.Category);
        Assert.Null(result.LabelText);
        Assert.Equal(new DisplayedIdentity("示例科技客服", "企业认证", Certified: true), result.Identity);
        Assert.Contains("企业认证", result.Detail);
    }

    [Fact]
    public async Task Haoma_user_marks_and_location_cards_show_no_identity()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.BaiduHaoma, "13800138000", NumberScript.Labeled("骚扰电话", 12));
        harness.Simulator.Script(SimulatedPlatforms.BaiduHaoma, "13900139000", NumberScript.Clean());

        var marked = await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma);
        var plain = await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma, PlatformHarness.CnMobile with { E164 = "+8613900139000", NationalNumber = "13900139000", NationalDialString = "13900139000" });

        Assert.Equal(LookupOutcome.Labeled, marked.Outcome);
        Assert.Null(marked.Identity);
        Assert.Equal(LookupOutcome.Clean, plain.Outcome);
        Assert.Null(plain.Identity);
    }

    [Fact]
    public async Task Haoma_identity_reaches_the_observation_and_survives_a_json_round_trip()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.BaiduHaoma, "13800138000", NumberScript.Labeled("示例科技客服").WithLayout("verified"));

        var result = await harness.LookupAsync(SimulatedPlatforms.BaiduHaoma);
        var observation = NumberTrust.Lookups.PlatformLabelSource.ToObservation(result);
        var copy = System.Text.Json.JsonSerializer.Deserialize<LookupResult>(System.Text.Json.JsonSerializer.Serialize(result))!;

        Assert.Equal(NumberTrust.Lookups.ObservedState.Clean, observation.State);
        Assert.Null(observation.Category);
        Assert.Equal(result.Identity, observation.Identity);
        Assert.Equal(result.Identity, copy.Identity);
    }

    [Fact]
    public async Task Qihoo360_label_rendered_as_an_image_is_unknown_image()
    {
        await using var harness = await PlatformHarness.StartAsync();
        harness.Simulator.Script(SimulatedPlatforms.Qihoo360, "13800138000", NumberScript.Labeled("骚扰电话", 3).WithLayout("image"));

        var result = await harness.LookupAsync(SimulatedPlatforms.Qihoo360);

        Assert.Equal(UnknownReason.ImageLabel, result.Reason);
    }

    [Theory]
    [InlineData("script", "骚扰电话", "搜狗号码通")]
    [InlineData("haoma-tag", "响一声", "搜狗号码通")]
    public async Task Sogou_web_layouts_are_read_including_gbk_pages_declared_only_in_meta(string layout, string label, string source)
    {
        await using var harness = await PlatformHarness.StartAsync(s => s["Platforms:sogou:Variant"] = "web");
        harness.Simulator.Script(SimulatedPlatforms.Sogou, "13800138000", NumberScript.Labeled(label, 19).WithLayout(layout));

        var result = await harness.LookupAsync(SimulatedPlatforms.Sogou);

        Assert.Equal(LookupOutcome.Labeled, result.Outcome);
        Assert.Equal(label, result.LabelText);
        Assert.Equal(19, result.ReportCount);
        Assert.Equal(source, result.SourceApp);
        Assert.Contains("/web?query=13800138000", result.Evidence.RequestedUrl);
    }

    [Fact]
    public void Corpus_has_labeled_and_clean_layouts_for_every_platform()
    {
        foreach (var platform in SimulatedPlatforms.BuiltIn)
        {
            var layouts = SimulatorFixtures.Layouts(platform);
            Assert.Contains(layouts, l => l.State == LayoutState.Labeled);
            Assert.Contains(layouts, l => l.State == LayoutState.Clean);
        }
    }
}

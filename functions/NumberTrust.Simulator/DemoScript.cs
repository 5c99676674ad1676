namespace NumberTrust.Simulator;

/// <summary>
/// The scripted numbers of the local host's demo mode: some labeled at once, some that become labeled after a couple of lookups
/// (so a newcomer sees a label appear within a minute of scanning), some clean, and one that clears after an appeal.
/// </summary>
public static class DemoScript
{
    /// <summary>A demo number and what it does.</summary>
    public sealed record DemoNumber(string E164, string Region, string DisplayName, string Story);

    public static readonly IReadOnlyList<DemoNumber> Numbers =
    [
        new("+8613800138000", "CN", "Sales hotline", "Labeled 骚扰电话 on 360, Baidu, Sogou and Tencent from the first lookup."),
        new("+8613900139000", "CN", "Support line", "Clean at first; 360 marks it 诈骗电话 after 2 lookups and Baidu 广告推销 after 3."),
        new("+861065529988", "CN", "Front desk", "Clean everywhere."),
        new("+864008108888", "CN", "Service line", "百度号码认证 shows the verified name 示例科技客服; 360 marks it 快递送餐 (older mohe-tips layout)."),
        new("+8615000150000", "CN", "Field team", "Labeled 房产中介 on 360 until the demo appeal is submitted, then clean; the label comes back once the appeal is Resolved."),
        new("+12125550100", "US", "NYC office", "Nomorobo ROBOCALL at once; Telnyx Telemarketer after 2 lookups."),
        new("+12125550199", "US", "NYC support", "Clean (Nomorobo has no record, Telnyx spam_risk low)."),
    ];

    /// <summary>Scripts every demo number on the simulator.</summary>
    public static void Apply(PlatformSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        simulator.Script(SimulatedPlatforms.Qihoo360, "+8613800138000", NumberScript.Labeled("骚扰电话", 1024));
        simulator.Script(SimulatedPlatforms.Baidu, "+8613800138000", NumberScript.Labeled("骚扰电话", 312, "百度手机卫士"));
        simulator.Script(SimulatedPlatforms.Sogou, "+8613800138000", NumberScript.Labeled("骚扰电话", 87));
        simulator.Script(SimulatedPlatforms.Tencent, "+8613800138000", NumberScript.Labeled("骚扰电话", 45));

        simulator.Script(SimulatedPlatforms.Qihoo360, "+8613900139000", NumberScript.Clean().ThenLabeled(2, "诈骗电话", 16));
        simulator.Script(SimulatedPlatforms.Baidu, "+8613900139000", NumberScript.Clean().ThenLabeled(3, "广告推销", 9, "电话邦"));

        simulator.Script("*", "+861065529988", NumberScript.Clean());

        simulator.Script(SimulatedPlatforms.BaiduHaoma, "+864008108888", NumberScript.Labeled("示例科技客服").WithLayout("verified"));
        simulator.Script(SimulatedPlatforms.Qihoo360, "+864008108888", NumberScript.Labeled("快递送餐", 5).WithLayout("mohe-tips"));

        simulator.Script(SimulatedPlatforms.Qihoo360, "+8615000150000", NumberScript.Labeled("房产中介", 230));

        simulator.Script(SimulatedPlatforms.Nomorobo, "+12125550100", NumberScript.Labeled("ROBOCALL", 41));
        simulator.Script(SimulatedPlatforms.Telnyx, "+12125550100", NumberScript.Clean().ThenLabeled(2, "Telemarketer"));
        simulator.Script("*", "+12125550199", NumberScript.Clean());
    }
}

using NumberTrust.Numbers;

namespace NumberTrust.Tests.Numbers;

public sealed class NumberParserTests
{
    public static TheoryData<string, string, string, NumberType> ValidForms => new()
    {
        // Chinese mobiles in the ways people write them.
        { "+86 138 0013 8000", "CN", "+8613800138000", NumberType.Mobile },
        { "138-0013-8000", "CN", "+8613800138000", NumberType.Mobile },
        { "13800138000", "CN", "+8613800138000", NumberType.Mobile },
        { "138 0013 8000", "CN", "+8613800138000", NumberType.Mobile },
        { "+86-138-0013-8000", "CN", "+8613800138000", NumberType.Mobile },
        { "0086 138 0013 8000", "CN", "+8613800138000", NumberType.Mobile },
        { "+86 (0) 138 0013 8000", "CN", "+8613800138000", NumberType.Mobile },
        { "１３８００１３８０００", "CN", "+8613800138000", NumberType.Mobile },
        { "＋８６ １３８ ００１３ ８０００", "CN", "+8613800138000", NumberType.Mobile },
        { "  13800138000\t", "CN", "+8613800138000", NumberType.Mobile },
        { "tel:+86-138-0013-8000", "CN", "+8613800138000", NumberType.Mobile },
        { "+8613800138000", "US", "+8613800138000", NumberType.Mobile },
        // Landlines with and without the trunk prefix and area code brackets.
        { "(010) 6552 9988", "CN", "+861065529988", NumberType.FixedLine },
        { "010-65529988", "CN", "+861065529988", NumberType.FixedLine },
        { "（０１０）６５５２９９８８", "CN", "+861065529988", NumberType.FixedLine },
        { "0086 21 5555 1234", "CN", "+862155551234", NumberType.FixedLine },
        { "+86 21 5555 1234", "CN", "+862155551234", NumberType.FixedLine },
        { "021.5555.1234", "CN", "+862155551234", NumberType.FixedLine },
        { "0755-8888 8888", "CN", "+8675588888888", NumberType.FixedLine },
        { "0755/88888888", "CN", "+8675588888888", NumberType.FixedLine },
        // 400 (shared cost) and 800 (toll free) service numbers.
        { "400-810-8888", "CN", "+864008108888", NumberType.SharedCost },
        { "4008108888", "CN", "+864008108888", NumberType.SharedCost },
        { "800-820-8820", "CN", "+868008208820", NumberType.TollFree },
        // Short codes.
        { "95588", "CN", "+8695588", NumberType.ShortCode },
        { "10086", "CN", "+8610086", NumberType.ShortCode },
        { "12345", "CN", "+8612345", NumberType.ShortCode },
        // Elsewhere.
        { "(212) 555-0100", "US", "+12125550100", NumberType.FixedLineOrMobile },
        { "+1 (212) 555-0100", "CN", "+12125550100", NumberType.FixedLineOrMobile },
        { "1-800-555-0199", "US", "+18005550199", NumberType.TollFree },
        { "212.555.0100", "US", "+12125550100", NumberType.FixedLineOrMobile },
        { "+852 2345 6789", "CN", "+85223456789", NumberType.FixedLine },
        { "+44 20 7946 0958", "CN", "+442079460958", NumberType.FixedLine },
        { "00 44 20 7946 0958", "CN", "+442079460958", NumberType.FixedLine },
    };

    [Theory]
    [MemberData(nameof(ValidForms))]
    public void Parse_normalises_real_world_forms_to_E164(string input, string region, string e164, NumberType type)
    {
        var result = NumberParser.Parse(input, region);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(e164, result.Number!.E164);
        Assert.Equal(type, result.Number.Type);
    }

    public static TheoryData<string?, string, string> InvalidForms => new()
    {
        { null, "CN", "required" },
        { "", "CN", "required" },
        { "   ", "CN", "required" },
        { "hello", "CN", "Letters" },
        { "1380013800O", "CN", "Letters" },
        { "13800138000x", "CN", "Extensions" },
        { "+86 10 6552 9988 ext. 123", "CN", "Extensions" },
        { "010-65529988#123", "CN", "Extensions" },
        { "138001380001", "CN", "" },
        { "1380013", "CN", "" },
        { "12", "CN", "" },
        { "110", "CN", "Emergency" },
        { "911", "US", "Emergency" },
        { "+999 1234 5678", "CN", "country calling code" },
        { "86+13800138000", "CN", "'+'" },
        { "++8613800138000", "CN", "'+'" },
        { "138<script>0013", "CN", "not allowed" },
        { "1380013800😀", "CN", "not allowed" },
        { "---", "CN", "no digits" },
        { new string('1', 65), "CN", "at most" },
        { "(212) 555-0100", "ZZ", "region" },
        { "1-800-555", "US", "" },
        { "+1 212 555 010", "CN", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidForms))]
    public void Parse_rejects_invalid_input_with_a_reason(string? input, string region, string reasonFragment)
    {
        var result = NumberParser.Parse(input, region);

        Assert.False(result.IsValid, $"'{input}' parsed as {result.Number}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Contains(reasonFragment, result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_gives_the_national_dial_string_with_trunk_prefix_for_landlines()
    {
        Assert.Equal("01065529988", NumberParser.Parse("+86 10 6552 9988", "CN").Number!.NationalDialString);
        Assert.Equal("13800138000", NumberParser.Parse("+86 138 0013 8000", "CN").Number!.NationalDialString);
        Assert.Equal("95588", NumberParser.Parse("95588", "CN").Number!.NationalDialString);
    }

    [Fact]
    public void Stored_numbers_round_trip_to_the_same_canonical_number()
    {
        foreach (var (input, region) in new[] { ("138-0013-8000", "CN"), ("010-65529988", "CN"), ("95588", "CN"), ("(212) 555-0100", "US") })
        {
            var parsed = NumberParser.Parse(input, region).Number!;
            var restored = NumberParser.FromStored(parsed.E164, parsed.Region, parsed.Type);
            Assert.Equal(parsed, restored);
        }
    }
}

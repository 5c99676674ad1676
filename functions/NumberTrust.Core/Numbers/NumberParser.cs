using System.Globalization;
using System.Text;
using PhoneNumbers;

namespace NumberTrust.Numbers;

/// <summary>Outcome of parsing user input: either a canonical number or the reason it was refused.</summary>
public readonly record struct NumberParseResult(CanonicalNumber? Number, string? Error)
{
    public bool IsValid => Number is not null;

    public static NumberParseResult Ok(CanonicalNumber number) => new(number, null);

    public static NumberParseResult Fail(string error) => new(null, error);
}

/// <summary>
/// Turns the forms people write (<c>138-0013-8000</c>, <c>(010) 6552 9988</c>, <c>0086 21 5555 1234</c>, full-width digits,
/// <c>95588</c>) into <see cref="CanonicalNumber"/>s with libphonenumber. Input is judged strictly: anything that is not part of a
/// dialable caller ID (letters, extensions, stray symbols) is refused rather than silently dropped.
/// </summary>
public static class NumberParser
{
    public const int MaxInputLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly ShortNumberInfo ShortNumbers = ShortNumberInfo.GetInstance();

    /// <summary>Whether <paramref name="region"/> is an ISO 3166 region libphonenumber knows (e.g. CN, US).</summary>
    public static bool IsSupportedRegion(string? region) =>
        region is { Length: 2 } && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    public static NumberParseResult Parse(string? input, string defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return NumberParseResult.Fail("A phone number is required.");
        }

        if (input.Length > MaxInputLength)
        {
            return NumberParseResult.Fail($"A phone number is at most {MaxInputLength} characters.");
        }

        var region = defaultRegion.ToUpperInvariant();
        if (!IsSupportedRegion(region))
        {
            return NumberParseResult.Fail($"'{defaultRegion}' is not a supported region code (use ISO 3166 codes such as CN or US).");
        }

        // NFKC folds full-width digits, plus signs, parentheses and ideographic spaces into their ASCII forms.
        var text = input.Normalize(NormalizationForm.FormKC).Trim();
        if (text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[4..].Trim();
        }

        var shapeError = CheckCharacters(text);
        if (shapeError is not null)
        {
            return NumberParseResult.Fail(shapeError);
        }

        PhoneNumber parsed;
        try
        {
            parsed = Util.Parse(text, region);
        }
        catch (NumberParseException e)
        {
            return NumberParseResult.Fail(e.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => "The number has an unknown country calling code.",
                ErrorType.NOT_A_NUMBER => "The value is not a phone number.",
                ErrorType.TOO_SHORT_AFTER_IDD => "The number is too short after the international prefix.",
                ErrorType.TOO_SHORT_NSN => "The number is too short.",
                ErrorType.TOO_LONG => "The number is too long.",
                _ => "The value is not a phone number.",
            });
        }

        var e164Region = Util.GetRegionCodeForNumber(parsed);
        if (Util.IsValidNumber(parsed))
        {
            return NumberParseResult.Ok(ToCanonical(parsed, e164Region, MapType(Util.GetNumberType(parsed))));
        }

        // Short codes (95588, 10086, 12345) are valid only in the region they were dialled from.
        var shortRegion = e164Region ?? region;
        if (parsed.CountryCode == Util.GetCountryCodeForRegion(region))
        {
            shortRegion = region;
        }

        if (ShortNumbers.IsValidShortNumberForRegion(parsed, shortRegion))
        {
            if (ShortNumbers.IsEmergencyNumber(Util.GetNationalSignificantNumber(parsed), shortRegion))
            {
                return NumberParseResult.Fail("Emergency numbers cannot be registered.");
            }

            return NumberParseResult.Ok(ToCanonical(parsed, shortRegion, NumberType.ShortCode));
        }

        return NumberParseResult.Fail(Util.IsPossibleNumberWithReason(parsed) switch
        {
            PhoneNumberUtil.ValidationResult.TOO_SHORT => "The number is too short.",
            PhoneNumberUtil.ValidationResult.TOO_LONG => "The number is too long.",
            PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => "The number has an unknown country calling code.",
            PhoneNumberUtil.ValidationResult.INVALID_LENGTH => "The number has an invalid length for its region.",
            _ => $"The number is not a valid number for region {e164Region ?? region}.",
        });
    }

    private static string? CheckCharacters(string text)
    {
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                continue;
            }

            switch (c)
            {
                case '+' when i == 0:
                case ' ' or '-' or '(' or ')' or '.' or '/' or '\u00A0':
                    continue;
                case '+':
                    return "A '+' may only start the number.";
            }

            if (char.IsLetter(c))
            {
                return c is 'x' or 'X' || text.Contains("ext", StringComparison.OrdinalIgnoreCase)
                    ? "Extensions are not part of a caller ID; register the main number."
                    : "Letters are not allowed in a phone number.";
            }

            return c is '#' or ',' or ';' or '*'
                ? "Extensions and pause characters are not part of a caller ID; register the main number."
                : $"The character '{c}' (U+{(int)c:X4}) is not allowed in a phone number.";
        }

        return digits == 0 ? "The value contains no digits." : null;
    }

    private static CanonicalNumber ToCanonical(PhoneNumber parsed, string region, NumberType type)
    {
        var national = Util.GetNationalSignificantNumber(parsed);
        var e164 = "+" + parsed.CountryCode.ToString(CultureInfo.InvariantCulture) + national;
        var dial = type == NumberType.ShortCode
            ? national
            : Util.FormatNumberForMobileDialing(parsed, region, withFormatting: false) is { Length: > 0 } d && !d.StartsWith('+')
                ? d
                : national;
        return new CanonicalNumber(e164, parsed.CountryCode, national, region, type) { NationalDialString = dial };
    }

    private static NumberType MapType(PhoneNumberType type) => type switch
    {
        PhoneNumberType.MOBILE => NumberType.Mobile,
        PhoneNumberType.FIXED_LINE => NumberType.FixedLine,
        PhoneNumberType.FIXED_LINE_OR_MOBILE => NumberType.FixedLineOrMobile,
        PhoneNumberType.TOLL_FREE => NumberType.TollFree,
        PhoneNumberType.SHARED_COST => NumberType.SharedCost,
        PhoneNumberType.PREMIUM_RATE => NumberType.PremiumRate,
        PhoneNumberType.VOIP => NumberType.Voip,
        PhoneNumberType.PERSONAL_NUMBER => NumberType.PersonalNumber,
        PhoneNumberType.PAGER => NumberType.Pager,
        PhoneNumberType.UAN => NumberType.Uan,
        PhoneNumberType.VOICEMAIL => NumberType.Voicemail,
        _ => NumberType.Unknown,
    };

    /// <summary>Formats a canonical number for people, e.g. <c>+86 10 6552 9988</c>.</summary>
    public static string FormatInternational(CanonicalNumber number)
    {
        if (number.Type == NumberType.ShortCode)
        {
            return number.NationalNumber;
        }

        var parsed = Util.Parse(number.E164, null);
        return Util.Format(parsed, PhoneNumberFormat.INTERNATIONAL);
    }

    /// <summary>Rebuilds a canonical number from its stored E.164 key and stored line type name (unknown names read as Unknown).</summary>
    public static CanonicalNumber FromStored(string e164, string region, string? numberType) =>
        FromStored(e164, region, Enum.TryParse<NumberType>(numberType, out var type) && Enum.IsDefined(type) ? type : NumberType.Unknown);

    /// <summary>Rebuilds a canonical number from its stored E.164 key; the key was produced by <see cref="Parse"/>.</summary>
    public static CanonicalNumber FromStored(string e164, string region, NumberType type)
    {
        var parsed = Util.Parse(e164, region);
        return ToCanonical(parsed, type == NumberType.ShortCode ? region : Util.GetRegionCodeForNumber(parsed) ?? region, type);
    }
}

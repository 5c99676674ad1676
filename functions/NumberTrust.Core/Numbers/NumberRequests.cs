using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using NumberTrust.Hosting;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

/// <summary>The number in a route (<c>numbers/{number}</c>), in any of the forms people write, with an optional region.</summary>
public sealed record NumberRoute(
    [property: Description("The number as written: +86 138 0013 8000, 138-0013-8000, (010) 6552 9988, 95588, full-width digits, ...")] string Number,
    [FromQuery(Name = "region")] [property: Description("ISO 3166 region for numbers written without a country code; default: the tenant's region.")] string? Region)
{
    public Validated<CanonicalNumber> Parse(CurrentTenant tenant)
    {
        var region = tenant.DefaultRegion;
        if (Region is { } regionText)
        {
            region = regionText.Trim().ToUpperInvariant();
            if (!NumberParser.IsSupportedRegion(region))
            {
                return Problems.Invalid("region", $"'{Display.Shorten(regionText)}' is not a supported ISO 3166 region code.");
            }
        }

        var parsed = NumberParser.Parse(Number, region);
        return parsed.Number is { } canonical ? canonical : Problems.Invalid("number", parsed.Error!);
    }
}

/// <summary>Conditional-write headers of the registration endpoints.</summary>
public sealed record WritePreconditions(
    [FromHeader(Name = "If-Match")] [property: Description("The ETag the registration must still have (or *).")] string? IfMatch,
    [FromHeader(Name = "If-None-Match")] [property: Description("* to create only: fails with 412 when the number is registered.")] string? IfNoneMatch)
{
    public string? Match => string.IsNullOrWhiteSpace(IfMatch) ? null : IfMatch.Trim();

    public bool CreateOnly => IfNoneMatch?.Trim() == "*";
}

/// <summary>Query of <c>GET /api/numbers</c>.</summary>
public sealed record ListNumbersQuery(
    [FromQuery(Name = "tag")] [property: Description("Only numbers with this tag.")] string? Tag,
    [FromQuery(Name = "department")] [property: Description("Only numbers of this department (exact match).")] string? Department,
    [FromQuery(Name = "pageSize")] [property: Description("Items per page, 1 to 500 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken,
    [FromQuery(Name = "labeled")] [property: Description("true: only numbers labeled on some platform; false: only numbers labeled nowhere.")] string? Labeled,
    [FromQuery(Name = "platform")] [property: Description("Only numbers labeled on this platform.")] string? Platform,
    [FromQuery(Name = "category")] [property: Description("Only numbers labeled with this canonical category (e.g. Fraud).")] string? Category)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public Validated<(ListFilter Filter, int PageSize, string? After)> Parse(PlatformIdSet platforms)
    {
        var pageSize = DefaultPageSize;
        if (PageSize is { } sizeText && (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Problems.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        string? after = null;
        if (ContinuationToken is { } token && !NumberStore.TryDecodeToken(token, out after!))
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this API issued.");
        }

        string? tag = null;
        if (Tag is not null && (tag = RegistrationInput.NormaliseTag(Tag)) is null)
        {
            return Problems.Invalid("tag", "The tag filter is not a valid tag.");
        }

        var department = Department?.Trim() is { Length: > 0 } d ? d : null;
        if (department is { Length: > RegistrationInput.MaxTextLength })
        {
            return Problems.Invalid("department", $"At most {RegistrationInput.MaxTextLength} characters.");
        }

        bool? labeled = null;
        if (Labeled is not null)
        {
            if (!bool.TryParse(Labeled, out var l))
            {
                return Problems.Invalid("labeled", "labeled must be true or false.");
            }

            labeled = l;
        }

        var platform = Platform?.Trim().ToLowerInvariant();
        if (platform is not null && !platforms.IsKnown(platform))
        {
            return Problems.Invalid("platform", $"'{Display.Shorten(platform)}' is not a known platform.");
        }

        var category = Category?.Trim();
        if (category is { Length: 0 or > 40 })
        {
            return Problems.Invalid("category", "category must be 1 to 40 characters.");
        }

        // Filtering by label platform or category implies labeled numbers, which the table query can narrow to.
        if (labeled is null && (platform is not null || category is not null))
        {
            labeled = true;
        }

        return (new ListFilter(department, tag, labeled, platform, category), pageSize, after);
    }
}

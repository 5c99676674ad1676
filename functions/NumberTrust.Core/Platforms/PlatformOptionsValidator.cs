using Microsoft.Extensions.Options;
using NumberTrust.Labels;

namespace NumberTrust.Platforms;

/// <summary>Cross-field rules for <c>Platforms:&lt;id&gt;</c>, with messages that name the setting to fix.</summary>
public sealed class PlatformOptionsValidator : IValidateOptions<PlatformOptions>
{
    private static readonly string[] BaiduVariants = ["desktop", "mobile", "wap"];
    private static readonly string[] SogouVariants = ["api", "web"];

    public ValidateOptionsResult Validate(string? name, PlatformOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var id = name;
        var prefix = $"{PlatformOptions.Section}:{id}";
        var errors = new List<string>();

        if (!PlatformRegistry.IsValidId(id))
        {
            errors.Add($"{prefix}: platform ids use lower-case letters, digits and '-' only.");
        }

        if (PlatformBaseUrl.Problem(options.BaseUrl) is { } baseUrlProblem)
        {
            errors.Add($"{prefix}:{baseUrlProblem}");
        }

        if (options.AttemptTimeout > options.Timeout)
        {
            errors.Add($"{prefix}: AttemptTimeout ({options.AttemptTimeout}) must not exceed Timeout ({options.Timeout}).");
        }

        if (options.BreakerSamplingDuration < options.AttemptTimeout)
        {
            errors.Add($"{prefix}: BreakerSamplingDuration ({options.BreakerSamplingDuration}) must be at least AttemptTimeout ({options.AttemptTimeout}).");
        }

        if (!options.IsEnabled)
        {
            return Result(errors);
        }

        switch (id)
        {
            case PlatformIds.Baidu when options.Variant is { } v && !BaiduVariants.Contains(v, StringComparer.OrdinalIgnoreCase):
                errors.Add($"{prefix}:Variant must be one of {string.Join(", ", BaiduVariants)} (was '{v}').");
                break;
            case PlatformIds.Sogou when options.Variant is { } v && !SogouVariants.Contains(v, StringComparer.OrdinalIgnoreCase):
                errors.Add($"{prefix}:Variant must be one of {string.Join(", ", SogouVariants)} (was '{v}').");
                break;
            case PlatformIds.Tencent:
                if (string.IsNullOrWhiteSpace(options.SecretId) || string.IsNullOrWhiteSpace(options.SecretKey))
                {
                    errors.Add($"{prefix}: enabled tencent needs SecretId and SecretKey (Tencent Cloud API credentials).");
                }

                if (string.IsNullOrWhiteSpace(options.ResourceId))
                {
                    errors.Add($"{prefix}: enabled tencent needs ResourceId (the SMPN billing resource id).");
                }

                break;
            case PlatformIds.Telnyx when string.IsNullOrWhiteSpace(options.ApiKey):
                errors.Add($"{prefix}: enabled telnyx needs ApiKey (Telnyx API v2 key).");
                break;
        }

        if (!PlatformIds.IsBuiltIn(id))
        {
            ValidateJson(prefix, options, errors);
        }

        return Result(errors);
    }

    private static void ValidateJson(string prefix, PlatformOptions options, List<string> errors)
    {
        var json = options.Json;
        var jsonPrefix = $"{prefix}:Json";
        if (string.IsNullOrWhiteSpace(json.UrlTemplate))
        {
            errors.Add($"{jsonPrefix}:UrlTemplate is required for a JSON-adapter platform (e.g. https://api.vendor.example/v1/check?phone={{e164}}).");
        }
        else
        {
            var absolute = Uri.TryCreate(json.UrlTemplate, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal);
            if (!absolute && !json.UrlTemplate.StartsWith('/'))
            {
                errors.Add($"{jsonPrefix}:UrlTemplate must be an absolute http(s) URL or a path starting with '/'.");
            }

            if (!absolute && string.IsNullOrWhiteSpace(options.BaseUrl))
            {
                errors.Add($"{jsonPrefix}:UrlTemplate is a path, so {prefix}:BaseUrl is required.");
            }

            if (!json.UrlTemplate.Contains('{', StringComparison.Ordinal) && string.IsNullOrWhiteSpace(json.Body))
            {
                errors.Add($"{jsonPrefix}: neither UrlTemplate nor Body contains a number placeholder ({{e164}}, {{national}} or {{digits}}).");
            }
        }

        if (!string.Equals(json.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(json.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{jsonPrefix}:Method must be GET or POST (was '{json.Method}').");
        }

        if (string.IsNullOrWhiteSpace(json.LabelPath))
        {
            errors.Add($"{jsonPrefix}:LabelPath is required.");
        }

        foreach (var (key, path) in new[]
                 {
                     ("ArrayPath", json.ArrayPath), ("LabelPath", json.LabelPath), ("CategoryPath", json.CategoryPath), ("CountPath", json.CountPath),
                     ("SourceAppPath", json.SourceAppPath), ("NoLabelPath", json.NoLabelPath), ("SuccessPath", json.SuccessPath),
                 })
        {
            if (!string.IsNullOrWhiteSpace(path) && !JsonPath.TryParse(path, out _, out var error))
            {
                errors.Add($"{jsonPrefix}:{key} '{path}' is not a supported path: {error}.");
            }
        }

        if (!string.IsNullOrWhiteSpace(json.NoLabelPath) && json.NoLabelValues.Count == 0)
        {
            errors.Add($"{jsonPrefix}:NoLabelValues must list the value(s) that mean \"no label\" when NoLabelPath is set.");
        }

        if (!string.IsNullOrWhiteSpace(json.SuccessPath) && json.SuccessValues.Count == 0)
        {
            errors.Add($"{jsonPrefix}:SuccessValues must list the success value(s) when SuccessPath is set.");
        }

        if (!string.IsNullOrWhiteSpace(json.AuthHeaderName) && string.IsNullOrWhiteSpace(json.AuthHeaderValue))
        {
            errors.Add($"{jsonPrefix}:AuthHeaderValue is required when AuthHeaderName is set.");
        }

        foreach (var (text, category) in json.LabelMap)
        {
            if (!LabelTaxonomy.TryParseCategory(category, out _))
            {
                errors.Add($"{jsonPrefix}:LabelMap:{text}: '{category}' is not a label category.");
            }
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}

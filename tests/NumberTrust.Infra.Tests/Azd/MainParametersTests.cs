using Newtonsoft.Json.Linq;
using NumberTrust.Infra.Tests.Bicep;

namespace NumberTrust.Infra.Tests.Azd;

[Collection(CompiledTemplateCollection.Name)]
public sealed class MainParametersTests(CompiledTemplate compiled)
{
    private static JObject Parameters() =>
        (JObject)JObject.Parse(File.ReadAllText(RepoPaths.MainParameters))["parameters"]!;

    [Theory]
    [InlineData("environmentName", "${AZURE_ENV_NAME}")]
    [InlineData("location", "${AZURE_LOCATION}")]
    [InlineData("principalId", "${AZURE_PRINCIPAL_ID}")]
    [InlineData("adminApiKey", "${ADMIN_API_KEY}")]
    // Unset azd variables become empty strings, and an empty credential leaves its platform off.
    [InlineData("telnyxApiKey", "${TELNYX_API_KEY}")]
    [InlineData("tencentSecretId", "${TENCENT_SECRET_ID}")]
    [InlineData("tencentSecretKey", "${TENCENT_SECRET_KEY}")]
    [InlineData("tencentResourceId", "${TENCENT_RESOURCE_ID}")]
    public void Parameters_file_maps_azd_variable(string parameter, string value)
    {
        Assert.Equal(value, (string?)Parameters()[parameter]?["value"]);
    }

    [Fact]
    public void Parameters_file_names_only_parameters_of_main_bicep_and_covers_every_required_one()
    {
        var declared = (JObject)compiled.Template["parameters"]!;
        var mapped = Parameters().Properties().Select(p => p.Name).ToList();

        Assert.All(mapped, name => Assert.True(declared.ContainsKey(name), $"main.bicep has no parameter {name}"));
        var required = declared.Properties().Where(p => ((JObject)p.Value)["defaultValue"] is null).Select(p => p.Name);
        Assert.All(required, name => Assert.Contains(name, mapped));
    }
}

using Microsoft.Extensions.Configuration;
using Newtonsoft.Json.Linq;
using NumberTrust.Notifications.Email;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>What the compiled ARM template really deploys.</summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed class TemplateTests(CompiledTemplate compiled)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string CommunicationAndEmailServiceOwner = "09976791-48a7-449e-bb21-39d1a415f350";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    public static TheoryData<string> AppSettingNames =>
    [
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "Email__Endpoint",
        "Email__SenderAddress",
        "Email__ClientId",
        "Auth__AdminKey",
        "ScanPlannerSchedule",
        "Scanning__PlannerShardsInFlight",
        "AppealSweepSchedule",
        "DigestSchedule",
        "UpkeepReminderSchedule",
    ];

    public static TheoryData<string> AppIdentityRoles =>
    [
        StorageBlobDataOwner,
        StorageQueueDataContributor,
        StorageTableDataContributor,
        MonitoringMetricsPublisher,
        CommunicationAndEmailServiceOwner,
        KeyVaultSecretsUser,
    ];

    public static TheoryData<string> StorageDataRoles =>
    [
        StorageBlobDataOwner,
        StorageQueueDataContributor,
        StorageTableDataContributor,
    ];

    private TemplateResource FunctionApp => compiled.Single("Microsoft.Web/sites");

    private FunctionAppSettings AppSettings => new(compiled);

    [Fact]
    public void Resource_group_is_rg_environment_name_at_subscription_scope()
    {
        var group = compiled.Single("Microsoft.Resources/resourceGroups");

        Assert.Same(compiled.Root.Template, group.Scope.Template);
        Assert.Equal("[format('{0}{1}', variables('abbrs').resourcesResourceGroups, parameters('environmentName'))]", (string?)group.Property("name"));
        Assert.Equal("rg-", (string?)compiled.Root.Resolve("[variables('abbrs')]")?["resourcesResourceGroups"]);
    }

    [Fact]
    public void Plan_is_linux_flex_consumption_fc1()
    {
        var plan = compiled.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string?)plan.Resolved("sku.name"));
        Assert.Equal("FlexConsumption", (string?)plan.Resolved("sku.tier"));
        Assert.True((bool?)plan.Resolved("properties.reserved"));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_the_flex_plan()
    {
        var app = FunctionApp;

        Assert.Equal("functionapp,linux", (string?)app.Resolved("kind"));
        Assert.Equal("dotnet-isolated", (string?)app.Resolved("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", (string?)app.Resolved("properties.functionAppConfig.runtime.version"));
        Assert.Equal(2048, (int?)app.Resolved("properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB"));
        Assert.Equal(100, (int?)app.Resolved("properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount"));
        Assert.Contains("Microsoft.Web/serverfarms", (string?)app.Property("properties.serverFarmId"), StringComparison.Ordinal);
    }

    [Fact]
    public void Function_app_deploys_from_the_blob_container_with_its_user_assigned_identity()
    {
        var app = FunctionApp;
        var storage = app.Property("properties.functionAppConfig.deployment.storage")!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        var identityId = app.Scope.Resolve(storage["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.Equal(("identity", "id"), CompiledTemplate.ModuleOutputReference(identityId));

        // The app runs as that same identity.
        Assert.Equal("UserAssigned", (string?)app.Property("identity.type"));
        var assignedIdentity = ((JObject)app.Property("identity.userAssignedIdentities")!).Properties().Single().Name;
        Assert.Contains("parameters('identityId')", assignedIdentity, StringComparison.Ordinal);

        // The package container is the one the storage module creates.
        Assert.Equal(
            "[format('{0}{1}', parameters('storageBlobEndpoint'), parameters('deploymentContainerName'))]",
            (string?)storage["value"]);
        // The package container is the one container that is not in the app's containerNames loop.
        var container = Assert.Single(compiled.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c.Property("copy.count") is null);
        Assert.Equal(
            app.Scope.Resolve("[parameters('deploymentContainerName')]")!.ToString(),
            container.Scope.Resolve("[parameters('deploymentContainerName')]")!.ToString());
        Assert.Equal("None", (string?)container.Resolved("properties.publicAccess"));
    }

    [Fact]
    public void Function_app_waits_for_the_storage_role_assignments()
    {
        // The host reaches storage with the identity as soon as the site exists; before the roles exist it gets 403.
        var api = compiled.Module("api");

        Assert.Contains("storage-access-app", api.DeploymentsDependedOn);
        var access = compiled.Module("storage-access-app");
        Assert.Equal(("identity", "principalId"), CompiledTemplate.ModuleOutputReference(access.PassedParameters?["principalId"]?["value"]));
        Assert.Equal(3, compiled.ResourcesOfType("Microsoft.Authorization/roleAssignments").Count(r => ReferenceEquals(r.Scope.Template, access.Template)));
    }

    [Fact]
    public void Function_app_is_https_only_with_ftps_disabled_and_tls_1_2()
    {
        var app = FunctionApp;

        Assert.True((bool?)app.Resolved("properties.httpsOnly"));
        Assert.Equal("Disabled", (string?)app.Resolved("properties.siteConfig.ftpsState"));
        Assert.Equal("1.2", (string?)app.Resolved("properties.siteConfig.minTlsVersion"));
    }

    [Fact]
    public void Function_app_carries_the_azd_service_tag_api()
    {
        var tags = (string?)FunctionApp.Property("tags");

        Assert.Equal("[union(parameters('tags'), createObject('azd-service-name', parameters('serviceName')))]", tags);
        Assert.Equal("api", (string?)FunctionApp.Scope.Resolve("[parameters('serviceName')]"));
    }

    [Fact]
    public void Storage_account_allows_no_shared_keys_no_public_blobs_and_tls_1_2_only()
    {
        var account = compiled.Single("Microsoft.Storage/storageAccounts");

        Assert.False((bool?)account.Resolved("properties.allowSharedKeyAccess"));
        Assert.False((bool?)account.Resolved("properties.allowBlobPublicAccess"));
        Assert.Equal("TLS1_2", (string?)account.Resolved("properties.minimumTlsVersion"));
        Assert.True((bool?)account.Resolved("properties.supportsHttpsTrafficOnly"));
    }

    [Theory]
    [MemberData(nameof(AppIdentityRoles))]
    public void App_identity_is_granted_role(string roleDefinitionId)
    {
        var assignments = RoleAssignments(roleDefinitionId)
            .Where(a => CompiledTemplate.ModuleOutputReference(a.Resolved("properties.principalId")) == ("identity", "principalId"))
            .ToList();

        var assignment = Assert.Single(assignments);
        Assert.True(assignment.Scope.IsUnconditional && assignment.Resource["condition"] is null, "The app's roles must not be conditional.");
        Assert.Equal("ServicePrincipal", (string?)assignment.Resolved("properties.principalType"));

        // principalId is the user-assigned identity's, as the identity module reports it.
        var identityModule = compiled.Module("identity");
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", (string?)identityModule.Template["outputs"]?["principalId"]?["value"], StringComparison.Ordinal);
        Assert.Single(identityModule.Template["resources"]!, r => (string?)r["type"] == "Microsoft.ManagedIdentity/userAssignedIdentities");
    }

    [Fact]
    public void Key_vault_role_is_scoped_to_the_vault()
    {
        var assignment = Assert.Single(RoleAssignments(KeyVaultSecretsUser));

        Assert.Contains("Microsoft.KeyVault/vaults", (string?)assignment.Property("scope"), StringComparison.Ordinal);
    }

    [Fact]
    public void Email_role_is_scoped_to_the_communication_service()
    {
        var assignment = Assert.Single(RoleAssignments(CommunicationAndEmailServiceOwner));

        Assert.Contains("Microsoft.Communication/communicationServices", (string?)assignment.Property("scope"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StorageDataRoles))]
    public void Deploying_principal_gets_storage_data_role_when_azd_supplies_one(string roleDefinitionId)
    {
        // main.bicep passes its own principalId parameter (azd fills it from AZURE_PRINCIPAL_ID)
        // straight to the module, which assigns it.
        var assignment = Assert.Single(
            RoleAssignments(roleDefinitionId),
            a => (string?)a.Property("properties.principalId") == "[parameters('principalId')]"
                && (string?)a.Scope.PassedParameters?["principalId"]?["value"] == "[parameters('principalId')]"
                && ReferenceEquals(a.Scope.Parent?.Template, compiled.Template));

        // Optional: an empty principal id skips the module instead of failing the deployment.
        Assert.Equal(string.Empty, (string?)compiled.Template["parameters"]?["principalId"]?["defaultValue"]);
        Assert.Equal("[not(empty(parameters('principalId')))]", assignment.Scope.Condition);

        // No principalType: azd may run as a user or, in CI, as a service principal, and a wrong
        // type fails the deployment (UnmatchedPrincipalType). Azure works it out when it is left out.
        Assert.Null(assignment.Scope.PassedParameters?["principalType"]);
    }

    [Theory]
    [MemberData(nameof(AppSettingNames))]
    public void Function_app_has_setting(string name)
    {
        var settings = AppSettings;

        Assert.True(settings.Always.ContainsKey(name), $"{name} missing; settings are: {string.Join(", ", settings.Names)}");
        Assert.NotEqual(JTokenType.Null, settings.Resolved(name)?.Type ?? JTokenType.Null);
    }

    [Fact]
    public void Host_storage_settings_use_the_managed_identity_and_the_account_endpoints()
    {
        var settings = AppSettings;

        Assert.Equal("managedidentity", (string?)settings.Resolved("AzureWebJobsStorage__credential"));
        Assert.Equal(("identity", "clientId"), CompiledTemplate.ModuleOutputReference(settings.Resolved("AzureWebJobsStorage__clientId")));
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            var endpoint = compiled.ModuleOutputValue(settings.Resolved($"AzureWebJobsStorage__{service}ServiceUri"));
            Assert.Contains($"primaryEndpoints.{service}", endpoint, StringComparison.Ordinal);
        }

        // Flex Consumption rejects these; a connection-string AzureWebJobsStorage would need shared keys.
        var names = settings.Names;
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", names);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", names);
        Assert.DoesNotContain("AzureWebJobsStorage", names);
    }

    [Fact]
    public void Application_insights_is_reached_with_entra_id()
    {
        var settings = AppSettings;

        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", (string?)settings.Raw("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
        Assert.Equal(("identity", "clientId"), CompiledTemplate.ModuleOutputReference(settings.Caller.Resolve("[parameters('identityClientId')]")));
        Assert.Contains("ConnectionString", (string?)settings.Raw("APPLICATIONINSIGHTS_CONNECTION_STRING"), StringComparison.Ordinal);
        Assert.True((bool?)compiled.Single("Microsoft.Insights/components").Resolved("properties.DisableLocalAuth"));
    }

    [Fact]
    public void Email_settings_point_at_the_communication_service_and_the_managed_domain_sender()
    {
        var settings = AppSettings;

        var endpoint = compiled.ModuleOutputValue(settings.Resolved("Email__Endpoint"));
        Assert.Matches(@"^\[format\('https://\{0\}', reference\(resourceId\('Microsoft\.Communication/communicationServices'.*\)\.hostName\)\]$", endpoint);

        var sender = compiled.ModuleOutputValue(settings.Resolved("Email__SenderAddress"));
        Assert.Matches(@"^\[format\('DoNotReply@\{0\}', reference\(resourceId\('Microsoft\.Communication/emailServices/domains'.*\)\.fromSenderDomain\)\]$", sender);

        Assert.Equal(("identity", "clientId"), CompiledTemplate.ModuleOutputReference(settings.Resolved("Email__ClientId")));
    }

    [Fact]
    public void Email_settings_the_infra_sets_are_the_ones_the_code_reads()
    {
        var names = AppSettings.Names.Where(n => n.StartsWith(EmailOptions.Section + "__", StringComparison.Ordinal)).ToList();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(names.Select(n => KeyValuePair.Create(n.Replace("__", ":", StringComparison.Ordinal), (string?)"set")))
            .Build();

        // A name the code does not bind fails here; a setting the code needs in Azure and the infra leaves out fails below.
        var options = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        Assert.Equal(("set", "set", "set"), (options.Endpoint, options.SenderAddress, options.ClientId));
        Assert.Null(options.ConnectionString); // Azure signs in with the app's identity, never with an access key
    }

    [Fact]
    public void Scan_planner_runs_every_five_minutes()
    {
        Assert.Equal("0 */5 * * * *", (string?)AppSettings.Resolved("ScanPlannerSchedule"));
    }

    [Fact]
    public void Email_uses_an_azure_managed_domain_linked_to_the_communication_service()
    {
        var emailService = compiled.Single("Microsoft.Communication/emailServices");
        var domain = compiled.Single("Microsoft.Communication/emailServices/domains");
        var communication = compiled.Single("Microsoft.Communication/communicationServices");

        Assert.All(new[] { emailService, domain, communication }, r => Assert.Equal("global", (string?)r.Resolved("location")));
        Assert.EndsWith("'AzureManagedDomain')]", (string?)domain.Property("name"), StringComparison.Ordinal);
        Assert.Equal("AzureManaged", (string?)domain.Resolved("properties.domainManagement"));
        var linked = Assert.Single((JArray)communication.Property("properties.linkedDomains")!);
        Assert.Equal(
            "[resourceId('Microsoft.Communication/emailServices/domains', parameters('emailServiceName'), 'AzureManagedDomain')]",
            (string?)linked);
        Assert.Equal(
            (string?)emailService.Resolved("properties.dataLocation"),
            (string?)communication.Resolved("properties.dataLocation"));
    }

    [Fact]
    public void Communication_service_turns_off_its_access_keys()
    {
        // The app authenticates with its managed identity; keys would be a second, unrotated way in.
        var communication = compiled.Single("Microsoft.Communication/communicationServices");

        Assert.True((bool?)communication.Resolved("properties.disableLocalAuth"));
        // disableLocalAuth exists from API version 2025-05-01; 2023-04-01 ignores it (bicep warns BCP037, which fails the build test).
        Assert.True(
            string.CompareOrdinal((string?)communication.Property("apiVersion"), "2025-05-01") >= 0,
            $"API version {communication.Property("apiVersion")} cannot turn local auth off");
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("SERVICE_API_URI")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    public void Template_outputs(string name)
    {
        var output = compiled.Template["outputs"]?[name];

        Assert.NotNull(output);
        Assert.Equal("string", (string?)output["type"]);
    }

    [Fact]
    public void Service_outputs_name_the_function_app()
    {
        var outputs = compiled.Template["outputs"]!;

        Assert.Equal(("api", "name"), CompiledTemplate.ModuleOutputReference(outputs["SERVICE_API_NAME"]!["value"]));
        Assert.Equal(("api", "name"), CompiledTemplate.ModuleOutputReference(outputs["AZURE_FUNCTION_APP_NAME"]!["value"]));
        Assert.Equal("[format('https://{0}', reference(resourceId('Microsoft.Web/sites', parameters('functionAppName')), '2025-03-01').defaultHostName)]", compiled.ModuleOutputValue(outputs["SERVICE_API_URI"]!["value"]));
        Assert.Equal(("storage", "name"), CompiledTemplate.ModuleOutputReference(outputs["AZURE_STORAGE_ACCOUNT_NAME"]!["value"]));
    }

    private IEnumerable<TemplateResource> RoleAssignments(string roleDefinitionId) =>
        compiled.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Where(a => ((string?)a.Resolved("properties.roleDefinitionId"))?.Contains($"'{roleDefinitionId}'", StringComparison.Ordinal) == true);
}

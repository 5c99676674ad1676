// Flex Consumption plan and the function app. All host and app storage access goes through
// the user-assigned identity (no connection strings), secrets arrive as Key Vault references;
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not app settings on Flex:
// functionAppConfig.runtime replaces them.

param planName string
param functionAppName string
param location string
param tags object

@description('azd finds the app to deploy to by this tag; it must match the service name in azure.yaml.')
param serviceName string

param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param applicationInsightsName string
param emailEndpoint string
param emailSenderAddress string

@description('Key Vault secret URI (versioned) of the admin API key.')
param adminApiKeySecretUri string

// Key Vault secret URIs of the platform credentials; empty when the credential was not given.
param telnyxApiKeySecretUri string
param tencentSecretIdSecretUri string
param tencentSecretKeySecretUri string

@description('Tencent Cloud SMPN billing resource id (not a secret); empty leaves the setting out.')
param tencentResourceId string

@description('NCRONTAB (6 fields, seconds first) for the scan planner timer.')
param scanPlannerSchedule string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in the app settings are resolved with the app's only identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Settings are merged into the site's current ones (portal edits survive a provision); see app-settings.bicep.
module settings 'app-settings.bicep' = {
  name: 'api-appsettings'
  params: {
    functionAppName: functionApp.name
    currentAppSettings: list(resourceId('Microsoft.Web/sites/config', functionApp.name, 'appsettings'), '2025-03-01').properties
    appSettings: {
      // Host storage and the app's own tables and queues: one account, reached with the identity.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
      AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
      AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      Email__Endpoint: emailEndpoint
      Email__SenderAddress: emailSenderAddress
      Email__ClientId: identityClientId
      Alerts__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      Auth__AdminKey: '@Microsoft.KeyVault(SecretUri=${adminApiKeySecretUri})'
      ScanPlannerSchedule: scanPlannerSchedule
      // Overdue appeals and unpublished appeal events; turnarounds are days, so every 15 minutes is plenty.
      AppealSweepSchedule: '0 */15 * * * *'
      // Digest times are whole minutes a tenant picks; a tick every 15 minutes sends each within a quarter hour of it.
      DigestSchedule: '0 */15 * * * *'
      // Reminders are per tenant-local day; an hourly tick sends each within the hour after local midnight.
      UpkeepReminderSchedule: '0 5 * * * *'
      // Plan a tick's 16 shards 2 at a time: each gets the instance's whole planner concurrency and ends within the function
      // timeout even when 1,000,000 numbers are due at once (the default, 16 at once, is for Azurite; see ScanOptions).
      Scanning__PlannerShardsInFlight: '2'
    }
    // A platform that needs credentials turns itself on when it finds them, so each credential setting exists only
    // when the credential was given. Platforms that need none are on by default; nothing here sets Platforms__*__Enabled.
    optionalAppSettings: {
      Platforms__telnyx__ApiKey: empty(telnyxApiKeySecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${telnyxApiKeySecretUri})'
      Platforms__tencent__SecretId: empty(tencentSecretIdSecretUri)
        ? ''
        : '@Microsoft.KeyVault(SecretUri=${tencentSecretIdSecretUri})'
      Platforms__tencent__SecretKey: empty(tencentSecretKeySecretUri)
        ? ''
        : '@Microsoft.KeyVault(SecretUri=${tencentSecretKeySecretUri})'
      Platforms__tencent__ResourceId: tencentResourceId
    }
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'

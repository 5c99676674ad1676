// NumberTrust on Azure: a Flex Consumption function app that reaches storage, Key Vault,
// Application Insights and Communication Services Email with one user-assigned managed identity.
// Deployed by `azd up`; see docs/deploy.md. Plain modules only (no registry modules), so
// `bicep build` works offline.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Region for the resource group and every regional resource. Must offer Flex Consumption.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal (azd sets AZURE_PRINCIPAL_ID). It gets the same storage data roles as the app so a developer can inspect tables, queues and blobs. Empty skips those assignments.')
param principalId string = ''

@secure()
@minLength(32)
@description('The admin API key the app checks on admin endpoints (x-api-key). Set with `azd env set ADMIN_API_KEY <value>`.')
param adminApiKey string

// Platform credentials. A platform that needs credentials is on when they are given and off otherwise; each value goes
// to Key Vault and reaches the app only as a Key Vault reference. Empty (azd: variable not set) means not given.
@secure()
@description('Telnyx API key (`azd env set TELNYX_API_KEY ...`); turns the telnyx platform on.')
param telnyxApiKey string = ''

@secure()
@description('Tencent Cloud SecretId (`azd env set TENCENT_SECRET_ID ...`); with the SecretKey it turns the tencent platform on.')
param tencentSecretId string = ''

@secure()
@description('Tencent Cloud SecretKey (`azd env set TENCENT_SECRET_KEY ...`).')
param tencentSecretKey string = ''

@description('Tencent Cloud SMPN billing resource id (`azd env set TENCENT_RESOURCE_ID ...`); not a secret.')
param tencentResourceId string = ''

@description('Data location of the Communication Services resources.')
param emailDataLocation string = 'United States'

@description('NCRONTAB schedule of the scan planner timer (6 fields, seconds first).')
param scanPlannerSchedule string = '0 */5 * * * *'

// The app's tables and queues (NumberTrust.Storage.TableNames.All and NumberTrust.Hosting.QueueNames.All in
// NumberTrust.Core). The infra tests compare these lists with Core's, so a table or queue added there fails them until added here.
var tableNames = [
  'Tenants'
  'ApiKeys'
  'Registrations'
  'Numbers'
  'ScheduleStatus'
  'ScanSchedule'
  'ScanPositions'
  'ScanRuns'
  'UpkeepIdentities'
  'Appeals'
  'Subscriptions'
  'PlatformPacing'
  'Deliveries'
  'UpkeepCallStats'
  'UpkeepTrust'
  'UpkeepReports'
  'Digests'
  'UpkeepExpectations'
  'UpkeepDisplayLabels'
  'UpkeepDocuments'
  'UpkeepTasks'
]
var queueNames = [
  'scan-plans'
  'lookups'
  'scan-runs'
  'schedule-pulls'
  'alerts'
  'deliveries'
  'digests'
  'appeal-sends'
]
// The app's blob containers (NumberTrust.Storage.ContainerNames.All); the app identity reaches them through its blob data role.
var containerNames = [
  'appeal-evidence'
  'customer-reports'
]

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var serviceName = 'api'
var functionAppName = '${abbrs.webSitesFunctions}${serviceName}-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${serviceName}-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: tableNames
    queueNames: queueNames
    containerNames: containerNames
  }
}

module appStorageAccess 'modules/storage-access.bicep' = {
  name: 'storage-access-app'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

module developerStorageAccess 'modules/storage-access.bicep' = if (!empty(principalId)) {
  name: 'storage-access-developer'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    principalId: principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

module email 'modules/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    communicationServiceName: '${abbrs.communicationCommunicationServices}${resourceToken}'
    tags: tags
    dataLocation: emailDataLocation
    senderPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    adminApiKey: adminApiKey
    telnyxApiKey: telnyxApiKey
    tencentSecretId: tencentSecretId
    tencentSecretKey: tencentSecretKey
  }
}

module api 'modules/function-app.bicep' = {
  name: 'api'
  scope: rg
  // The host starts as soon as the site exists and reaches storage with the identity; without its data roles
  // the first deployment's host gets 403 until someone restarts it. (The vault role comes with keyVault's outputs.)
  dependsOn: [
    appStorageAccess
  ]
  params: {
    planName: '${abbrs.webServerFarms}${resourceToken}'
    functionAppName: functionAppName
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    emailEndpoint: email.outputs.endpoint
    emailSenderAddress: email.outputs.senderAddress
    adminApiKeySecretUri: keyVault.outputs.adminApiKeySecretUri
    telnyxApiKeySecretUri: keyVault.outputs.telnyxApiKeySecretUri
    tencentSecretIdSecretUri: keyVault.outputs.tencentSecretIdSecretUri
    tencentSecretKeySecretUri: keyVault.outputs.tencentSecretKeySecretUri
    tencentResourceId: tencentResourceId
    scanPlannerSchedule: scanPlannerSchedule
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

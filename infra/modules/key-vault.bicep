// Key Vault for every secret the app reads: the admin API key and the platform credentials. The app
// sees them only through Key Vault references in its app settings, resolved with its user-assigned
// identity, so no secret value is stored in the site's configuration, the template or its outputs.

param name string
param location string
param tags object

@description('Principal id of the identity that reads the secrets (the app, through Key Vault references).')
param readerPrincipalId string

@secure()
param adminApiKey string

@secure()
@description('Telnyx API key; empty stores no secret.')
param telnyxApiKey string

@secure()
@description('Tencent Cloud SecretId; empty stores no secret.')
param tencentSecretId string

@secure()
@description('Tencent Cloud SecretKey; empty stores no secret.')
param tencentSecretKey string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC instead of access policies: the app's access is one role assignment, visible with all the others.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Purge protection stays off: once on it cannot be turned off, and azd down --purge could no longer purge the
    // vault, which would then hold its name (and block azd up of the same environment) for the retention period.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource adminApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'admin-api-key'
  properties: {
    value: adminApiKey
  }
}

resource telnyxApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(telnyxApiKey)) {
  parent: vault
  name: 'telnyx-api-key'
  properties: {
    value: telnyxApiKey
  }
}

resource tencentSecretIdSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(tencentSecretId)) {
  parent: vault
  name: 'tencent-secret-id'
  properties: {
    value: tencentSecretId
  }
}

resource tencentSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(tencentSecretKey)) {
  parent: vault
  name: 'tencent-secret-key'
  properties: {
    value: tencentSecretKey
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    // Key Vault Secrets User: read secret values, nothing else (no listing of keys or certificates, no writes).
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4633458b-17de-408a-b874-0445c86b69e6'
    )
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Versioned URIs: a new value is a new version, so the app setting changes and the app restarts with it at once
// (a versionless reference is re-read only within a day). A credential not given has no secret and an empty URI.
output name string = vault.name
output adminApiKeySecretUri string = adminApiKeySecret.properties.secretUriWithVersion
output telnyxApiKeySecretUri string = telnyxApiKeySecret.?properties.secretUriWithVersion ?? ''
output tencentSecretIdSecretUri string = tencentSecretIdSecret.?properties.secretUriWithVersion ?? ''
output tencentSecretKeySecretUri string = tencentSecretKeySecret.?properties.secretUriWithVersion ?? ''

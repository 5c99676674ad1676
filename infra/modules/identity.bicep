// The one identity the function app uses for everything: host storage, its own tables and
// queues, the deployment package container, Application Insights ingestion and email.
// User-assigned so its role assignments exist before the app's first start.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId

// Azure Communication Services Email with an Azure-managed sender domain
// (DoNotReply@<guid>.azurecomm.net). The app sends through the communication service's REST
// endpoint with its managed identity, so the identity gets a role on that one resource and the
// resource's access keys are disabled.

param emailServiceName string
param communicationServiceName string
param tags object

@description('Where ACS stores data at rest, e.g. "United States" or "Europe". Email and communication service must match.')
param dataLocation string

@description('Principal id of the managed identity that sends email.')
param senderPrincipalId string

resource emailService 'Microsoft.Communication/emailServices@2026-03-18' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2026-03-18' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2026-03-18' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    // The app sends with its managed identity (Entra ID), so access keys and connection strings are switched off.
    disableLocalAuth: true
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, senderPrincipalId, '09976791-48a7-449e-bb21-39d1a415f350')
  scope: communicationService
  properties: {
    // Communication and Email Service Owner. ACS has no send-only built-in role, and it does not
    // honour custom roles for Entra-authenticated email, so this is the narrowest built-in role
    // that can send. Scoped to this one communication service, not the resource group.
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '09976791-48a7-449e-bb21-39d1a415f350'
    )
    principalId: senderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = 'DoNotReply@${managedDomain.properties.fromSenderDomain}'
output communicationServiceName string = communicationService.name

// Writes the function app's settings merged into the ones it already has, so a setting added outside
// Bicep (portal, CLI) survives a provision. The optional settings are owned by this template: written
// when they have a value and removed when they have none, so clearing a credential turns its platform off.

@description('Name of the function app; it exists before this module runs (the caller depends on it).')
param functionAppName string

// Secure: a setting added by hand may hold a secret, and plain module inputs are kept in the deployment history.
@secure()
@description('The settings the site has now: list() of its config/appsettings, evaluated by the caller once the site exists.')
param currentAppSettings object

@description('Settings always written; each replaces a current setting of the same name.')
param appSettings object

@description('Settings written only when their value is not empty; an empty one is removed from the current settings too.')
param optionalAppSettings object = {}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

var keptCurrentSettings = toObject(
  filter(items(currentAppSettings), setting => !contains(optionalAppSettings, setting.key)),
  setting => setting.key,
  setting => setting.value
)
var givenOptionalSettings = toObject(
  filter(items(optionalAppSettings), setting => !empty(setting.value)),
  setting => setting.key,
  setting => setting.value
)

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(keptCurrentSettings, appSettings, givenOptionalSettings)
}

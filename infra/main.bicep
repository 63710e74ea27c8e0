// InternalApi on Azure Functions Flex Consumption, deployed into one resource group:
//   user-assigned managed identity -> roles on storage, Key Vault, Application Insights (modules/roles.bicep)
//   storage account (identity only) + deployment container   (modules/storage.bicep)
//   Key Vault with the gitlab-shell and KAS secrets           (modules/keyvault.bicep)
//   Log Analytics + Application Insights (Entra auth only)    (modules/monitoring.bicep)
//   FC1 plan + Linux function app, .NET 10 isolated           (modules/functionapp.bicep)
// `azd up` (azure.yaml at the repo root) or `az deployment group create`; see docs/deploy.md.
// API versions are pinned on purpose (azure-platform notes §5.1); raise them by hand.
metadata description = 'InternalApi: a Flex Consumption function app with identity-based storage, Key Vault secrets and Application Insights.'

targetScope = 'resourceGroup'

@description('Environment name (azd: AZURE_ENV_NAME); part of every resource name and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region of every resource; it must offer Flex Consumption (azd: AZURE_LOCATION).')
@minLength(1)
param location string

@description('GitLab:ExternalUrl of the app: the GitLab instance URL used in clone URLs and messages.')
@minLength(1)
param gitLabExternalUrl string

@secure()
@description('The gitlab-shell secret (the text of GitLab\'s .gitlab_shell_secret). Written to Key Vault when given; empty leaves the vault as it is, for a secret set out of band.')
param shellSecret string = ''

@secure()
@description('The KAS secret (base64 of 32 bytes, GitLab\'s .gitlab_kas_secret). Written to Key Vault when given; empty leaves the vault as it is.')
param kasSecret string = ''

@secure()
@description('The Pages daemon\'s secret (base64 of 32 bytes, GitLab\'s .gitlab_pages_secret). Written to Key Vault when given; empty leaves the vault as it is.')
param pagesSecret string = ''

@secure()
@description('Workhorse\'s secret (base64 of 32 bytes, GitLab\'s .gitlab_workhorse_secret), for its JWT on git_audit_event. Written to Key Vault when given; empty leaves the vault as it is.')
param workhorseSecret string = ''

@description('Object id of a user or group who may set and rotate the Key Vault secrets (Key Vault Secrets Officer); empty for none. azd passes the signed-in user (AZURE_PRINCIPAL_ID).')
param vaultOfficerPrincipalId string = ''

@description('Kind of principal vaultOfficerPrincipalId names.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param vaultOfficerPrincipalType string = 'User'

@description('Memory per Flex Consumption instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

// Stable per subscription, group, environment and region: names stay the same on every deployment.
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var names = {
  identity: 'id-${environmentName}-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${environmentName}-${resourceToken}'
  appInsights: 'appi-${environmentName}-${resourceToken}'
  plan: 'plan-${environmentName}-${resourceToken}'
  // Site names are at most 60 characters and part of the host name.
  functionApp: 'func-${take(environmentName, 40)}-${resourceToken}'
}
var deploymentContainerName = 'app-package'
// GitLab Pages deployments (zips the Pages daemon range-reads through short-lived user delegation SAS URLs).
var pagesContainerName = 'pages-deployments'
var secretNames = {
  shell: 'gitlab-shell-secret'
  kas: 'gitlab-kas-secret'
  pages: 'gitlab-pages-secret'
  workhorse: 'gitlab-workhorse-secret'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    pagesContainerName: pagesContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    secretNames: secretNames
    shellSecret: shellSecret
    kasSecret: kasSecret
    pagesSecret: pagesSecret
    workhorseSecret: workhorseSecret
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    identityId: identity.id
    principalId: identity.properties.principalId
    // Names known before deployment (not module outputs), so that what-if can predict the assignments.
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
    vaultOfficerPrincipalId: vaultOfficerPrincipalId
    vaultOfficerPrincipalType: vaultOfficerPrincipalType
  }
  dependsOn: [
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageEndpoints: {
      blob: storage.outputs.blobEndpoint
      queue: storage.outputs.queueEndpoint
      table: storage.outputs.tableEndpoint
    }
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsName: names.appInsights
    keyVaultUri: keyVault.outputs.vaultUri
    secretNames: secretNames
    pagesContainerName: pagesContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    gitLabExternalUrl: gitLabExternalUrl
  }
  // The host reads storage and the platform resolves the Key Vault references as soon as the app exists:
  // create the role assignments first (they can still take minutes to propagate; see docs/deploy.md).
  dependsOn: [
    monitoring
    roles
  ]
}

@description('Base URL of the function app; gitlab-shell\'s gitlab_url (routes are under /api).')
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Function app name.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Storage account name.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Key Vault name (set the secrets here).')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('Application Insights component name.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName

@description('Name of the app\'s user-assigned managed identity.')
output AZURE_MANAGED_IDENTITY_NAME string = identity.name

@description('Client id of that identity (not a secret).')
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId

// Data-plane roles of the function app's user-assigned identity, each on the one resource it needs and
// nothing wider. Built-in role definitions are named by their GUIDs (the same in every tenant).

@description('Resource id of the function app\'s user-assigned managed identity (known before deployment: it names the assignments).')
param identityId string

@description('Principal (object) id of that identity.')
param principalId string

@description('Storage account of the host, the app\'s tables and queues and the deployment package.')
param storageAccountName string

@description('Key Vault of the shell and KAS secrets.')
param keyVaultName string

@description('Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('Object id of a person or group who may write the vault\'s secrets (Key Vault Secrets Officer); empty for none.')
param vaultOfficerPrincipalId string

@description('Kind of principal vaultOfficerPrincipalId names.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param vaultOfficerPrincipalType string

var roles = {
  // Storage Blob Data Owner: the Functions host creates its own containers (azure-webjobs-hosts for leases
  // and listener locks, azure-webjobs-secrets for function keys) and the Flex platform reads the deployment
  // package with this identity. It is the role the Functions docs prescribe for AzureWebJobsStorage. It also
  // covers GitLab Pages: writing deployments' zips (the publish command), reading them, and
  // generateUserDelegationKey/action, with which the app signs the read-only SAS URLs of lookups (shared keys are
  // off, so a user delegation SAS is the only kind there is). No further storage role is needed.
  // covers the app's own blobs: reading LFS objects (container lfs-objects) is a data action it includes.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Queue Data Contributor: the queue triggers read and delete messages and move poison messages;
  // the app creates its queues at start and enqueues work.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: every table the app keeps (create at start, read, write, delete rows).
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Key Vault Secrets User: read secret values, which is all a Key Vault reference in an app setting does.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Monitoring Metrics Publisher: send telemetry to an Application Insights that accepts Entra tokens only.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Key Vault Secrets Officer (for a person, not the app): set and rotate the secrets the app reads.
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, identityId, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, identityId, roles.storageQueueDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, identityId, roles.storageTableDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(vaultOfficerPrincipalId)) {
  name: guid(vault.id, vaultOfficerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: vaultOfficerPrincipalId
    principalType: vaultOfficerPrincipalType
  }
}

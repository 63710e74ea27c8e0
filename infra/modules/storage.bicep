// The one storage account: the Functions host (leases, keys, the queue triggers), the app's own tables
// and queues (the app creates them at start, Storage:InitializeOnStart), the Flex deployment package and the
// GitLab Pages deployments.
// Access is by Entra ID only: shared keys are off, so no connection string or account key exists to leak.

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags for the account.')
param tags object

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Blob container of the GitLab Pages deployments (the app\'s Pages:Container).')
param pagesContainerName string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identity only: the host, the app and deployments all authenticate with the managed identity.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    // Flex Consumption without VNet integration reaches storage over its public endpoint.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Private like every container: the Pages daemon reads a deployment only through the read-only, short-lived user
// delegation SAS the lookup answers (shared keys are off, so no account or service SAS can exist).
resource pagesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: pagesContainerName
  properties: {
    publicAccess: 'None'
  }
}

// LFS objects (GET /api/v4/internal/lfs reads them; the import and `lfs upload` write them). The app's identity
// reaches it through Storage Blob Data Owner on the account (roles.bicep), which covers reading and writing blobs in
// every container; no other grant is needed.
resource lfsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: 'lfs-objects'
  properties: {
    publicAccess: 'None'
  }
}

@description('Storage account name.')
output name string = account.name

@description('Blob service endpoint (ends with a slash).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue service endpoint (ends with a slash).')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table service endpoint (ends with a slash).')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('URL of the deployment container, as functionAppConfig.deployment.storage.value wants it.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'

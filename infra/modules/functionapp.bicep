// The Flex Consumption (FC1) plan and the Linux function app: .NET 10 isolated worker, deployed from a
// blob container, every credential an identity or a Key Vault reference.

@description('Function app name (globally unique; part of its host name).')
param name string

@description('App Service plan name.')
param planName string

@description('Region (one that offers Flex Consumption).')
param location string

@description('Tags of the plan and the site.')
param tags object

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential, the host\'s storage connection, App Insights).')
param identityClientId string

@description('Blob, queue and table endpoints of the storage account (end with a slash).')
param storageEndpoints {
  blob: string
  queue: string
  table: string
}

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Application Insights component name.')
param appInsightsName string

@description('Key Vault URI (ends with a slash).')
param keyVaultUri string

@description('Key Vault secret names of the shell, KAS, Pages and Workhorse secrets.')
param secretNames {
  shell: string
  kas: string
  pages: string
  workhorse: string
}

@description('Blob container of the GitLab Pages deployments.')
param pagesContainerName string

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('GitLab:ExternalUrl, the GitLab instance URL used in clone URLs and messages.')
param gitLabExternalUrl string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  // azd deploys the `api` service of azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
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
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      // On Flex the runtime is chosen here, not by FUNCTIONS_WORKER_RUNTIME (which Flex refuses as a setting).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // A literal list, so that the compiled template shows every setting as it is (the tests read it).
      // Re-provisioning replaces the whole set: add a setting here, not by hand in the portal.
      appSettings: [
        // Identity-based storage for the host's AzureWebJobsStorage connection, which the app's own tables
        // and queues share (InternalApi.Core/Storage/StorageAccount.cs reads the same names). Service
        // URIs rather than __accountName: they come from the account, so they are right in every cloud.
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: storageEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: storageEndpoints.queue
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: storageEndpoints.table
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // DefaultAzureCredential (the app's storage clients, the telemetry exporter) picks the user-assigned
        // identity by this.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        // Entra auth for telemetry: the component accepts no instrumentation-key-only ingestion.
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        // Resolved by the platform as keyVaultReferenceIdentity; no version, so the current one is used
        // (re-read within a day, or at once on a restart or settings change).
        {
          name: 'Shell__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.shell}/)'
        }
        {
          name: 'Kas__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.kas}/)'
        }
        {
          name: 'Pages__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.pages}/)'
        }
        {
          name: 'Workhorse__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.workhorse}/)'
        }
        {
          name: 'Pages__Container'
          value: pagesContainerName
        }
        {
          name: 'GitLab__ExternalUrl'
          value: gitLabExternalUrl
        }
      ]
    }
  }
}

// Deployments authenticate with Entra ID (azd, az, Core Tools); no publishing user names or passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Function app name.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName

// The vault of the gitlab-shell and KAS secrets. RBAC authorization (no access policies): the app's
// identity reads secrets through Key Vault Secrets User (roles.bicep), nothing else has data access
// unless given a role.

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Secret names, as the function app\'s Key Vault references name them.')
param secretNames {
  shell: string
  kas: string
  pages: string
  workhorse: string
}

@secure()
@description('The gitlab-shell secret. Written when not empty; an empty value leaves the vault\'s secret as it is (set out of band).')
param shellSecret string

@secure()
@description('The KAS secret (base64 of 32 bytes). Written when not empty; empty leaves the vault\'s secret as it is.')
param kasSecret string

@secure()
@description('The Pages daemon\'s secret (base64 of 32 bytes). Written when not empty; empty leaves the vault\'s secret as it is.')
param pagesSecret string

@secure()
@description('Workhorse\'s secret (base64 of 32 bytes). Written when not empty; empty leaves the vault\'s secret as it is.')
param workhorseSecret string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // Key Vault references are resolved by the platform over the vault's public endpoint: Flex
    // Consumption cannot resolve them against a network-restricted vault.
    publicNetworkAccess: 'Enabled'
  }
}

resource shell 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(shellSecret)) {
  parent: vault
  name: secretNames.shell
  properties: {
    value: shellSecret
    contentType: 'text/plain'
  }
}

resource kas 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(kasSecret)) {
  parent: vault
  name: secretNames.kas
  properties: {
    value: kasSecret
    contentType: 'text/plain'
  }
}

resource pages 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(pagesSecret)) {
  parent: vault
  name: secretNames.pages
  properties: {
    value: pagesSecret
    contentType: 'text/plain'
  }
}

resource workhorse 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(workhorseSecret)) {
  parent: vault
  name: secretNames.workhorse
  properties: {
    value: workhorseSecret
    contentType: 'text/plain'
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Vault URI (ends with a slash), the base of the app settings\' Key Vault references.')
output vaultUri string = vault.properties.vaultUri

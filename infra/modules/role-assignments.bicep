// Least privilege for the function app's identity, on each resource rather than the resource group, with the built-in
// role definitions (ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
@description('The storage account the app and the Functions host use.')
param storageAccountName string

@description('The vault the app settings reference.')
param keyVaultName string

@description('The Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('The function app\'s user-assigned managed identity.')
param identityName string

@description('Object id of the person or pipeline running azd (may upload articles and read tables to verify a deployment); empty: none.')
param principalId string

@description('What principalId is: User, ServicePrincipal or Group.')
param principalType string

var roles = {
  // The blob trigger (Event Grid source) needs Owner: it writes blob receipts and reads the container's properties;
  // Flex Consumption reads the app package from the deployment container with it too.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Entra ID-authenticated telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // The person running azd: upload an article, read the article index.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storageAccount.id, identity.id, role)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appKeyVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appTelemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(principalId) ? [] : [roles.storageBlobDataContributor, roles.storageTableDataReader]): {
    name: guid(storageAccount.id, principalId, role)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: principalType
    }
  }
]

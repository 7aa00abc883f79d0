// The Notifications pipeline on Azure: a Flex Consumption function app that reaches its storage account, Key Vault and
// Application Insights with one user-assigned managed identity (no shared keys, no connection strings with secrets).
// Deployed by `azd up` (azure.yaml at the repository root); the Event Grid subscription that feeds the `articles` blob
// trigger is created after the code is deployed, by infra/hooks/postdeploy.sh (.ps1), because its webhook needs the
// blobs_extension system key, which exists only once the app runs.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person (or pipeline) running azd: may upload articles and read the tables, to verify a deployment. Empty: no such access.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
@description('What principalId is.')
param principalType string = 'User'

@minLength(3)
@description('Delivery__FromEmail: the sender address, verified in SendGrid.')
param deliveryFromEmail string

@description('Delivery__FromName: the sender display name.')
param deliveryFromName string = ''

@minLength(3)
@description('Who is emailed when an alert fires (poison messages, a paused or failed digest run).')
param alertEmail string

@secure()
@minLength(1)
@description('SendGrid API key with Mail Send permission; stored in Key Vault as sendgrid-api-key.')
param sendGridApiKey string

@secure()
@description('The SendGrid Event Webhook verification key (base64 DER, P-256); stored in Key Vault. Empty: the webhook answers 503 until it is set.')
param sendGridWebhookPublicKey string = ''

@secure()
@minLength(44)
@description('Link-signing key k1, base64 of at least 32 random bytes (openssl rand -base64 32); stored in Key Vault. Keep it: changing it breaks the links in every email sent.')
param tokenSigningKey string

@secure()
@minLength(44)
@description('The key subscriber ids are hashed with (HMAC-SHA256), base64 of at least 32 random bytes (openssl rand -base64 32); stored in Key Vault. Keep it: changing it changes every subscriber id and loses the suppression list.')
param subscriberIdKey string

@description('SendGrid__Host: https://api.eu.sendgrid.com for EU data residency.')
param sendGridHost string = 'https://api.sendgrid.com'

@description('Links__BaseUrl when the app is reached through a custom domain; empty: https://<function app>.azurewebsites.net.')
param publicBaseUrl string = ''

@minValue(40)
@maxValue(1000)
@description('Flex Consumption: the most instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
@description('Flex Consumption: memory of one instance, in MB.')
param instanceMemoryMB int = 2048

@description('Client id of the Entra ID app registration for the admin API and the secretariat console (App Service authentication in front of the app, app roles Editor and Admin); empty: authentication stays off, function keys only, nobody can sign in to the console.')
param adminAuthClientId string = ''

@description('Tenant of that app registration; empty: the tenant of the deployment.')
param adminAuthTenantId string = ''

@description('Application Insights accepts only Entra ID-authenticated telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING); false also accepts the instrumentation key alone.')
param appInsightsLocalAuthDisabled bool = true

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var resourceGroupName = 'rg-${environmentName}'
var functionAppName = 'func-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var identityName = 'id-${resourceToken}'
var appInsightsName = 'appi-${resourceToken}'
var logAnalyticsName = 'log-${resourceToken}'
var planName = 'plan-${resourceToken}'
var systemTopicName = 'evgt-${resourceToken}'
var actionGroupName = 'ag-${resourceToken}'
// Flex Consumption deploys the app package from a blob container of the app's own storage account.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: logAnalyticsName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    localAuthDisabled: appInsightsLocalAuthDisabled
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    sendGridApiKey: sendGridApiKey
    sendGridWebhookPublicKey: sendGridWebhookPublicKey
    tokenSigningKey: tokenSigningKey
    subscriberIdKey: subscriberIdKey
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    appInsightsName: appInsightsName
    identityName: identityName
    principalId: principalId
    principalType: principalType
  }
  dependsOn: [identity, monitoring, storage, keyVault]
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: planName
    location: location
    tags: tags
    identityName: identityName
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    appInsightsName: appInsightsName
    keyVaultName: keyVaultName
    sendGridApiKeySecretName: keyVault.outputs.sendGridApiKeySecretName
    // No webhook key, no secret: SendGrid__WebhookPublicKey stays empty (the webhook answers 503).
    sendGridWebhookPublicKeySecretName: empty(sendGridWebhookPublicKey) ? '' : keyVault.outputs.sendGridWebhookPublicKeySecretName
    tokenSigningKeySecretName: keyVault.outputs.tokenSigningKeySecretName
    subscriberIdKeySecretName: keyVault.outputs.subscriberIdKeySecretName
    deliveryFromEmail: deliveryFromEmail
    deliveryFromName: deliveryFromName
    sendGridHost: sendGridHost
    publicBaseUrl: publicBaseUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // Key Vault references and the identity-based storage connection resolve only once the identity holds its roles.
  dependsOn: [roles]
}

module adminAuth 'modules/admin-auth.bicep' = {
  name: 'admin-auth'
  scope: rg
  params: {
    appName: functionAppName
    clientId: adminAuthClientId
    tenantId: empty(adminAuthTenantId) ? tenant().tenantId : adminAuthTenantId
  }
  dependsOn: [functionApp]
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountName: storageAccountName
  }
  dependsOn: [storage]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    actionGroupName: actionGroupName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    alertEmail: alertEmail
    poisonQueueName: storage.outputs.poisonQueueName
  }
  dependsOn: [monitoring]
}

// Read by azd (and written to .azure/<environment>/.env) and by the hooks.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_FUNCTIONS_NAME string = functionApp.outputs.name
output SERVICE_FUNCTIONS_URI string = functionApp.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output ARTICLES_CONTAINER_NAME string = storage.outputs.articlesContainerName
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output ARTICLE_PUBLISHED_FUNCTION_NAME string = 'ArticlePublished'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
output ADMIN_AUTH_ENABLED bool = adminAuth.outputs.enabled

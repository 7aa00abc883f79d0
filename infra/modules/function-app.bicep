// The Flex Consumption plan and the function app (.NET 10 isolated worker) with its app settings. Every setting the code
// requires is here (tests/Notifications.Infra.Tests checks it against the options classes and functions.metadata); the
// optional ones keep their defaults (docs/configuration.md). siteConfig.appSettings replaces the whole set on every
// `azd provision`: a setting changed in the portal is lost, so add settings here instead.
@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region.')
param location string

@description('Tags of every resource.')
param tags { *: string }

@description('The user-assigned managed identity the app runs as.')
param identityName string

@description('The storage account of the Functions host and of the pipeline.')
param storageAccountName string

@description('The blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('The Application Insights component.')
param appInsightsName string

@description('The vault the Key Vault references point to.')
param keyVaultName string

@description('Secret with the SendGrid API key.')
param sendGridApiKeySecretName string

@description('Secret with the SendGrid Event Webhook key; empty: SendGrid__WebhookPublicKey stays empty (the webhook answers 503).')
param sendGridWebhookPublicKeySecretName string

@description('Secret with link-signing key k1.')
param tokenSigningKeySecretName string

@description('Secret with the subscriber id key.')
param subscriberIdKeySecretName string

@description('Delivery__FromEmail.')
param deliveryFromEmail string

@description('Delivery__FromName.')
param deliveryFromName string

@description('SendGrid__Host.')
param sendGridHost string

@description('Links__BaseUrl for a custom domain; empty: the app\'s default host name.')
param publicBaseUrl string

@description('Flex Consumption: the most instances.')
param maximumInstanceCount int

@description('Flex Consumption: memory of one instance, in MB.')
param instanceMemoryMB int

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

// The default host name of a function app is <name>.azurewebsites.net (the app's own defaultHostName cannot be read in
// its own app settings); a custom domain goes in publicBaseUrl.
var linksBaseUrl = empty(publicBaseUrl) ? 'https://${name}.azurewebsites.net' : publicBaseUrl

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd deploys the `functions` service of azure.yaml to the app with this tag.
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as the user-assigned identity (Key Vault Secrets User).
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // The Functions host's storage (triggers, timer leases, keys) and the pipeline's own, identity-based: the account
        // allows no shared key. Notifications.Core reads the same three settings (StorageConnection).
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccount.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        {
          name: 'DigestScheduleCron'
          value: '0 0 * * * *'
        }
        // The triggers' container and queues (%Storage:...% in their bindings): the same settings StorageOptions reads, so
        // the triggers and the code cannot name different ones. The Functions host has no default for a %setting%: without
        // these, it cannot index ArticlePublished, SendBatch, SubscribeConfirmation and AlertDue. Values: storage.bicep's names.
        {
          name: 'Storage__ArticlesContainer'
          value: 'articles'
        }
        {
          name: 'Storage__SendBatchesQueue'
          value: 'send-batches'
        }
        {
          name: 'Storage__SubscribeConfirmationsQueue'
          value: 'subscribe-confirmations'
        }
        {
          name: 'Storage__AlertsDueQueue'
          value: 'alerts-due'
        }
        {
          name: 'Delivery__Mode'
          value: 'SendGrid'
        }
        {
          name: 'Delivery__FromEmail'
          value: deliveryFromEmail
        }
        {
          name: 'Delivery__FromName'
          value: deliveryFromName
        }
        {
          name: 'SendGrid__ApiKey'
          value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${sendGridApiKeySecretName})'
        }
        {
          name: 'SendGrid__Host'
          value: sendGridHost
        }
        {
          name: 'SendGrid__WebhookPublicKey'
          value: empty(sendGridWebhookPublicKeySecretName)
            ? ''
            : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${sendGridWebhookPublicKeySecretName})'
        }
        {
          name: 'Tokens__Keys__k1'
          value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${tokenSigningKeySecretName})'
        }
        {
          name: 'Tokens__CurrentKeyId'
          value: 'k1'
        }
        {
          name: 'Subscribers__IdKey'
          value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${subscriberIdKeySecretName})'
        }
        {
          name: 'Links__BaseUrl'
          value: linksBaseUrl
        }
      ]
    }
  }
}

// Deployments and the Kudu/SCM endpoints take Entra ID tokens only (azd deploys with one).
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'

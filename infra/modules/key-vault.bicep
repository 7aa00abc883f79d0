// Key Vault for the app's secrets: RBAC authorization (the function app's identity is Key Vault Secrets User), soft delete
// and purge protection. The app settings reference the secrets (@Microsoft.KeyVault(...)); no secret is in an app setting
// or an output.
@description('Name of the vault (3-24 characters).')
param name string

@description('Region.')
param location string

@description('Tags of every resource.')
param tags { *: string }

@secure()
@description('SendGrid API key (Mail Send).')
param sendGridApiKey string

@secure()
@description('SendGrid Event Webhook verification key; empty: no secret, and the app setting stays empty.')
param sendGridWebhookPublicKey string

@secure()
@description('Link-signing key k1 (base64 of at least 32 bytes).')
param tokenSigningKey string

@secure()
@description('The key subscriber ids are hashed with (Subscribers__IdKey, base64 of at least 32 bytes).')
param subscriberIdKey string

var sendGridApiKeySecretName = 'sendgrid-api-key'
var sendGridWebhookPublicKeySecretName = 'sendgrid-webhook-public-key'
var tokenSigningKeySecretName = 'token-key-k1'
var subscriberIdKeySecretName = 'subscriber-id-key'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sendGridApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: sendGridApiKeySecretName
  properties: {
    value: sendGridApiKey
    contentType: 'text/plain'
  }
}

resource sendGridWebhookPublicKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(sendGridWebhookPublicKey)) {
  parent: vault
  name: sendGridWebhookPublicKeySecretName
  properties: {
    value: sendGridWebhookPublicKey
    contentType: 'text/plain'
  }
}

resource tokenSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: tokenSigningKeySecretName
  properties: {
    value: tokenSigningKey
    contentType: 'text/plain'
  }
}

resource subscriberIdKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: subscriberIdKeySecretName
  properties: {
    value: subscriberIdKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output sendGridApiKeySecretName string = sendGridApiKeySecret.name
// Created only when a webhook key is given (main.bicep passes the name on only then).
output sendGridWebhookPublicKeySecretName string = sendGridWebhookPublicKeySecretName
output tokenSigningKeySecretName string = tokenSigningKeySecret.name
output subscriberIdKeySecretName string = subscriberIdKeySecret.name

// The pipeline's storage account: Entra ID only (no shared keys, so no connection strings), TLS 1.2, nothing public.
// Container, queue and table names are the defaults of src/Notifications.Core/Storage/StorageOptions.cs, which the app
// uses when no Storage__* setting overrides them (tests/Notifications.Infra.Tests checks that they agree).
@description('Name of the storage account (3-24 lowercase letters and digits).')
param name string

@description('Region.')
param location string

@description('Tags of every resource.')
param tags { *: string }

@description('The blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

// The app's containers, queues and tables (literal lists: tests/Notifications.Infra.Tests compares them with the defaults).
var appContainerNames = [
  'articles'
  'articles-rejected'
  'templates'
  'digests'
  'imports'
  'subscriber-index'
]
// The SendBatch queue trigger's queue, and the poison queue the Functions host moves a message to after host.json's
// extensions.queues.maxDequeueCount failed attempts; then the SubscribeConfirmation trigger's queue and its poison queue; then the AlertDue trigger's (alerts waiting for translations).
var queueNames = [
  'send-batches'
  'send-batches-poison'
  'subscribe-confirmations'
  'subscribe-confirmations-poison'
  'alerts-due'
  'alerts-due-poison'
]
var tableNames = [
  'ArticleIndex'
  'Subscribers'
  'DigestRuns'
  'DigestWatermarks'
  'DeliveryLedger'
  'SubscriberAudit'
  'DeliveryEvents'
  'DeliveryCounters'
  'Suppressions'
  'SubscribeRequests'
  'AddressChanges'
  'RecipientTimeline'
  'SubscriberSlots'
]

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
  properties: {
    // A deleted article or template can be recovered for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for containerName in [...appContainerNames, deploymentContainerName]: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-09-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-09-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output articlesContainerName string = appContainerNames[0]
output poisonQueueName string = queueNames[1]

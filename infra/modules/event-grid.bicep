// The Event Grid system topic of the storage account. Its subscription (BlobCreated under articles/ → the blob extension's
// webhook) is created by infra/hooks/postdeploy.sh (.ps1) after the code is deployed: the webhook URL carries the
// blobs_extension system key, which the Functions host creates when it first runs the app.
@description('Name of the system topic.')
param name string

@description('Region (the storage account\'s).')
param location string

@description('Tags of every resource.')
param tags { *: string }

@description('The storage account whose events the topic publishes.')
param storageAccountName string

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name

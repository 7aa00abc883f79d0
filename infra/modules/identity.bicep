// The function app's one identity: storage (host and app), Key Vault references, Entra ID-authenticated telemetry and the
// Flex Consumption deployment container all use it, with the roles in role-assignments.bicep.
@description('Name of the user-assigned managed identity.')
param name string

@description('Region.')
param location string

@description('Tags of every resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output clientId string = identity.properties.clientId

// Log Analytics workspace and a workspace-based Application Insights: the Functions host and the app log here, and the
// alerts in alerts.bicep query it.
@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Region.')
param location string

@description('Tags of every resource.')
param tags { *: string }

@description('Accept only Entra ID-authenticated telemetry (the function app sends it as its managed identity, which holds Monitoring Metrics Publisher).')
param localAuthDisabled bool

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: localAuthDisabled
  }
}

output appInsightsName string = appInsights.name
output workspaceName string = workspace.name

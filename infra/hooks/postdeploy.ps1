# azd postdeploy hook (PowerShell 7): creates, or updates, the Event Grid subscription that feeds the ArticlePublished
# blob trigger (source: EventGrid). It has to run after the code is deployed: the webhook URL carries the blobs_extension
# system key, which the Functions host creates when it first starts the app. Safe to run again (the create is a PUT).
#
# Reads, from the azd environment (outputs of infra/main.bicep): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# EVENT_GRID_SYSTEM_TOPIC_NAME, ARTICLES_CONTAINER_NAME, ARTICLE_PUBLISHED_FUNCTION_NAME.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'EVENT_GRID_SYSTEM_TOPIC_NAME', 'ARTICLES_CONTAINER_NAME') {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
        Write-Error "postdeploy: $name is not set in the azd environment: run azd provision (or azd up) first."
    }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Write-Error 'postdeploy: the Azure CLI (az) is required: https://learn.microsoft.com/cli/azure/install-azure-cli, then az login.'
}

$resourceGroup = $env:AZURE_RESOURCE_GROUP
$app = $env:AZURE_FUNCTION_APP_NAME
$functionName = if ($env:ARTICLE_PUBLISHED_FUNCTION_NAME) { $env:ARTICLE_PUBLISHED_FUNCTION_NAME } else { 'ArticlePublished' }
$subscriptionName = if ($env:EVENT_GRID_SUBSCRIPTION_NAME) { $env:EVENT_GRID_SUBSCRIPTION_NAME } else { 'articles-to-function' }
$attempts = if ($env:POSTDEPLOY_KEY_ATTEMPTS) { [int] $env:POSTDEPLOY_KEY_ATTEMPTS } else { 20 }
$waitSeconds = if ($env:POSTDEPLOY_KEY_WAIT_SECONDS) { [int] $env:POSTDEPLOY_KEY_WAIT_SECONDS } else { 15 }

$hostName = az functionapp show --resource-group $resourceGroup --name $app --query defaultHostName --output tsv
if ($LASTEXITCODE -ne 0 -or [string]::IsNullOrEmpty($hostName)) {
    Write-Error "postdeploy: function app $app not found in $resourceGroup."
}

# The key appears once the host has started the deployed app and loaded the blob extension: wait for it.
$key = ''
for ($attempt = 1; ; $attempt++) {
    $key = az functionapp keys list --resource-group $resourceGroup --name $app --query 'systemKeys.blobs_extension' --output tsv 2>$null
    if ($LASTEXITCODE -eq 0 -and -not [string]::IsNullOrEmpty($key)) { break }
    if ($attempt -ge $attempts) {
        Write-Host "postdeploy: the blobs_extension system key of $app did not appear after $attempts tries." -ForegroundColor Red
        Write-Host '  Check that the app starts (Application Insights, or az functionapp log deployment show), then run: azd hooks run postdeploy'
        exit 1
    }
    Write-Host "postdeploy: waiting for the blobs_extension key (try $attempt of $attempts) ..."
    Start-Sleep -Seconds $waitSeconds
}

# The blob extension's Event Grid endpoint; Host.Functions.<name> selects the function. The key is never printed.
$endpoint = "https://$hostName/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"
$filter = "/blobServices/default/containers/$($env:ARTICLES_CONTAINER_NAME)/"
# On Windows az is az.cmd, and cmd.exe would cut the URL at '&': quote it for cmd (python then drops the quotes).
$endpointArgument = if ($IsWindows) { "`"$endpoint`"" } else { $endpoint }

Write-Host "postdeploy: subscribing $functionName to BlobCreated under $filter (system topic $($env:EVENT_GRID_SYSTEM_TOPIC_NAME)) ..."
az eventgrid system-topic event-subscription create `
    --name $subscriptionName `
    --resource-group $resourceGroup `
    --system-topic-name $env:EVENT_GRID_SYSTEM_TOPIC_NAME `
    --endpoint-type webhook `
    --endpoint $endpointArgument `
    --event-delivery-schema eventgridschema `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with $filter `
    --max-delivery-attempts 30 `
    --event-ttl 1440 `
    --output none
if ($LASTEXITCODE -ne 0) {
    Write-Error 'postdeploy: az eventgrid system-topic event-subscription create failed (see above).'
}

Write-Host "postdeploy: Event Grid subscription $subscriptionName is in place: a file uploaded to $($env:ARTICLES_CONTAINER_NAME) now reaches $functionName."

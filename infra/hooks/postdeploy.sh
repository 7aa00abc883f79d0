#!/bin/sh
# azd postdeploy hook (POSIX sh): creates, or updates, the Event Grid subscription that feeds the ArticlePublished blob
# trigger (source: EventGrid). It has to run after the code is deployed: the webhook URL carries the blobs_extension
# system key, which the Functions host creates when it first starts the app. Safe to run again (the create is a PUT).
#
# Reads, from the azd environment (outputs of infra/main.bicep): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# EVENT_GRID_SYSTEM_TOPIC_NAME, ARTICLES_CONTAINER_NAME, ARTICLE_PUBLISHED_FUNCTION_NAME.
set -eu

for name in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME EVENT_GRID_SYSTEM_TOPIC_NAME ARTICLES_CONTAINER_NAME; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "postdeploy: $name is not set in the azd environment: run azd provision (or azd up) first." >&2
    exit 1
  fi
done
if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is required: https://learn.microsoft.com/cli/azure/install-azure-cli, then az login." >&2
  exit 1
fi

function_name="${ARTICLE_PUBLISHED_FUNCTION_NAME:-ArticlePublished}"
subscription_name="${EVENT_GRID_SUBSCRIPTION_NAME:-articles-to-function}"
attempts="${POSTDEPLOY_KEY_ATTEMPTS:-20}"
wait_seconds="${POSTDEPLOY_KEY_WAIT_SECONDS:-15}"

host_name=$(az functionapp show --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --query defaultHostName --output tsv)
if [ -z "$host_name" ]; then
  echo "postdeploy: function app $AZURE_FUNCTION_APP_NAME not found in $AZURE_RESOURCE_GROUP." >&2
  exit 1
fi

# The key appears once the host has started the deployed app and loaded the blob extension: wait for it.
attempt=1
while :; do
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -n "$key" ]; then
    break
  fi
  if [ "$attempt" -ge "$attempts" ]; then
    echo "postdeploy: the blobs_extension system key of $AZURE_FUNCTION_APP_NAME did not appear after $attempts tries." >&2
    echo "  Check that the app starts (Application Insights, or az functionapp log deployment show), then run: azd hooks run postdeploy" >&2
    exit 1
  fi
  echo "postdeploy: waiting for the blobs_extension key (try $attempt of $attempts) ..."
  attempt=$((attempt + 1))
  sleep "$wait_seconds"
done

# The blob extension's Event Grid endpoint; Host.Functions.<name> selects the function. The key is never printed.
endpoint="https://${host_name}/runtime/webhooks/blobs?functionName=Host.Functions.${function_name}&code=${key}"
filter="/blobServices/default/containers/${ARTICLES_CONTAINER_NAME}/"

echo "postdeploy: subscribing $function_name to BlobCreated under $filter (system topic $EVENT_GRID_SYSTEM_TOPIC_NAME) ..."
az eventgrid system-topic event-subscription create \
  --name "$subscription_name" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --event-delivery-schema eventgridschema \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "$filter" \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

echo "postdeploy: Event Grid subscription $subscription_name is in place: a file uploaded to $ARTICLES_CONTAINER_NAME now reaches $function_name."

// Alerts by email: (a) a send batch message went to the poison queue, (b) a digest run paused or failed, or a batch was
// not sent. Both are log search alerts on Application Insights: Azure Storage has no per-queue message-count metric
// (QueueMessageCount is per account), so (a) watches the Functions host's own message when it moves a message there.
@description('Name of the action group.')
param actionGroupName string

@description('The Application Insights component the host and the app log to.')
param appInsightsName string

@description('Region of the alert rules (the component\'s).')
param location string

@description('Tags of every resource.')
param tags { *: string }

@description('Who is emailed.')
param alertEmail string

@description('The poison queue of send-batches.')
param poisonQueueName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'notify-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// The Functions host logs "Message has reached MaxDequeueCount of 5. Moving message to queue 'send-batches-poison'."
// (a warning of the queue extension) each time it gives up on a message.
var poisonQuery = '''
traces
| where message contains "Moving message to queue '${poisonQueueName}'"
'''

// DigestRunner logs "Run {RunId} paused: {Failures} batches failed in a row ..." (an error) when a run pauses, and
// BatchSender "Batch {BatchId} of run {RunId} was not sent: ..." or "... may or may not have been sent ..." (errors), and
// FailedBatchHealer "Batch {BatchId} of run {RunId} given up after {Attempts} attempts: past the lateness limit ..." (an error).
// A failed HourlyDigests invocation (the timer's run planning threw) counts too. The message is matched in its formatted
// and in its template form, whichever the exporter sends.
var digestFailureQuery = '''
union
  (traces
   | where severityLevel >= 3
   | where (message startswith "Run " and message contains " paused: ")
        or (message startswith "Batch " and (message contains " was not sent: " or message contains " may or may not have been sent" or message contains " given up after ")))
  , (requests
   | where (operation_Name == "HourlyDigests" or name == "HourlyDigests") and success == false)
'''

resource poisonAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-send-batches-poison-${appInsightsName}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Send batches in the poison queue'
    description: 'A send-batches message failed ${5} times and was moved to ${poisonQueueName}. See docs/runbook.md (poison queue): the batch is still in the ledger; `notify digest resume <run>` sends it.'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: poisonQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

resource digestFailureAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-digest-run-failed-${appInsightsName}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Digest run paused or failed'
    description: 'A digest run paused after failed batches in a row, a batch was not sent (or may not have been), or the hourly timer failed. `notify digest status <run>` shows where it stands; fix the cause, then `notify digest resume <run>`.'
    severity: 1
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: digestFailureQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

output actionGroupName string = actionGroup.name

// App Service authentication (Easy Auth) with Entra ID in front of the function app, for the admin API and the secretariat
// console (/api/console/*): every request needs a signed-in user or a token of the app registration, except the routes that
// must stay anonymous (excludedPaths). A browser without a session is sent to the Entra sign-in page (RedirectToLoginPage,
// provider azureactivedirectory) and comes back to the page it asked for; a script with a bearer token of the registration is
// let through as before (a script without one now gets 302 to the sign-in page instead of 401). The console authorizes each
// page by the app roles Editor and Admin (infra/entra/app-roles.json), which arrive in the principal's roles claims. Easy Auth matches an
// excluded path exactly (no query string), or everything under it when it ends with /*; route parameters ({run}/{variant})
// therefore need a /* entry. tests/Notifications.Infra.Tests checks this list against the app's anonymous routes.
// Without a client id the configuration is still deployed, turned off (platform.enabled false): what the Bicep says is
// what runs, and a setting made in the portal is replaced at the next provision.
@description('Name of the function app.')
param appName string

@description('Client id of the Entra ID app registration that admins sign in to; empty: App Service authentication is off.')
param clientId string

@description('Tenant of the app registration.')
param tenantId string

var enabled = !empty(clientId)

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: appName
}

resource authSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: enabled
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [
        // Subscriber self-service pages (signed links, no sign-in).
        '/api/subscribe'
        '/api/confirm'
        '/api/unsubscribe'
        '/api/preferences'
        // "Email me a link to manage my subscription" (the form for a subscriber who lost their link).
        '/api/manage-link'
        // Where a subscriber's new address confirms an address change an admin started (signed link).
        '/api/address'
        // The digest web view: /api/digests/{run}/{variant}.
        '/api/digests/*'
        // The public article pages: /api/articles/{*name}.
        '/api/articles/*'
        // The console's stylesheet and scripts (the sign-in page needs them; the pages themselves are signed in).
        '/api/console/static/*'
        // SendGrid's Event Webhook (signed by SendGrid).
        '/api/sendgrid/events'
        // Event Grid delivering BlobCreated to the ArticlePublished blob trigger (blobs_extension system key).
        '/runtime/webhooks/blobs'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    login: {
      // The sign-in comes back only to this app's own pages.
      allowedExternalRedirectUrls: []
      preserveUrlFragmentsForLogins: false
    }
    identityProviders: enabled
      ? {
          azureActiveDirectory: {
            enabled: true
            registration: {
              openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
              clientId: clientId
            }
            validation: {
              // v1 tokens carry the Application ID URI, v2 tokens the client id.
              allowedAudiences: [
                'api://${clientId}'
                clientId
              ]
            }
          }
        }
      : {}
  }
}

output enabled bool = enabled

#!/bin/sh
# azd preprovision hook (POSIX sh): stops `azd up` / `azd provision` before anything is created when a value that
# infra/main.parameters.json needs is not in the azd environment, and says how to set it.
set -eu

missing=0

require() {
  # $1: azd environment value, $2: what it is, $3: example command
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "preprovision: $1 is not set: $2." >&2
    echo "  $3" >&2
    missing=1
  fi
}

require DELIVERY_FROM_EMAIL "the sender address (Delivery__FromEmail), verified in SendGrid" \
  "azd env set DELIVERY_FROM_EMAIL digests@secretariat.example"
require ALERT_EMAIL "who is emailed when an alert fires" \
  "azd env set ALERT_EMAIL operations@secretariat.example"
require SENDGRID_API_KEY "the SendGrid API key with Mail Send permission (it goes to Key Vault)" \
  "azd env set SENDGRID_API_KEY '<SG.xxxx>'"
require TOKEN_SIGNING_KEY "the link-signing key k1, base64 of 32 random bytes (it goes to Key Vault; keep it: a new one breaks the links in every email sent)" \
  "azd env set TOKEN_SIGNING_KEY \"\$(openssl rand -base64 32)\""

require SUBSCRIBER_ID_KEY "the key subscriber ids are hashed with, base64 of 32 random bytes (it goes to Key Vault; keep it: a new one changes every id and loses the suppression list)" \
  "azd env set SUBSCRIBER_ID_KEY \"\$(openssl rand -base64 32)\""

if [ -n "${SUBSCRIBER_ID_KEY:-}" ] && [ "${#SUBSCRIBER_ID_KEY}" -lt 44 ]; then
  echo "preprovision: SUBSCRIBER_ID_KEY is shorter than 44 characters: it must be base64 of at least 32 bytes." >&2
  echo "  azd env set SUBSCRIBER_ID_KEY \"\$(openssl rand -base64 32)\"" >&2
  missing=1
fi

if [ -n "${TOKEN_SIGNING_KEY:-}" ] && [ "${#TOKEN_SIGNING_KEY}" -lt 44 ]; then
  echo "preprovision: TOKEN_SIGNING_KEY is shorter than 44 characters: it must be base64 of at least 32 bytes." >&2
  echo "  azd env set TOKEN_SIGNING_KEY \"\$(openssl rand -base64 32)\"" >&2
  missing=1
fi

if [ "$missing" -ne 0 ]; then
  echo "preprovision: set the values above, then run azd up again (docs/deployment.md)." >&2
  exit 1
fi
echo "preprovision: the azd environment has every value infra/main.parameters.json needs."

# azd preprovision hook (PowerShell 7): stops `azd up` / `azd provision` before anything is created when a value that
# infra/main.parameters.json needs is not in the azd environment, and says how to set it.
$ErrorActionPreference = 'Stop'

$missing = $false

function Test-Required([string] $Name, [string] $What, [string] $Example) {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($Name))) {
        Write-Host "preprovision: $Name is not set: $What." -ForegroundColor Red
        Write-Host "  $Example"
        $script:missing = $true
    }
}

Test-Required 'DELIVERY_FROM_EMAIL' 'the sender address (Delivery__FromEmail), verified in SendGrid' `
    'azd env set DELIVERY_FROM_EMAIL digests@secretariat.example'
Test-Required 'ALERT_EMAIL' 'who is emailed when an alert fires' `
    'azd env set ALERT_EMAIL operations@secretariat.example'
Test-Required 'SENDGRID_API_KEY' 'the SendGrid API key with Mail Send permission (it goes to Key Vault)' `
    "azd env set SENDGRID_API_KEY '<SG.xxxx>'"
Test-Required 'TOKEN_SIGNING_KEY' 'the link-signing key k1, base64 of 32 random bytes (it goes to Key Vault; keep it: a new one breaks the links in every email sent)' `
    'azd env set TOKEN_SIGNING_KEY ([Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))'

Test-Required 'SUBSCRIBER_ID_KEY' 'the key subscriber ids are hashed with, base64 of 32 random bytes (it goes to Key Vault; keep it: a new one changes every id and loses the suppression list)' `
    'azd env set SUBSCRIBER_ID_KEY ([Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))'

$idKey = $env:SUBSCRIBER_ID_KEY
if (-not [string]::IsNullOrEmpty($idKey) -and $idKey.Length -lt 44) {
    Write-Host 'preprovision: SUBSCRIBER_ID_KEY is shorter than 44 characters: it must be base64 of at least 32 bytes.' -ForegroundColor Red
    Write-Host '  azd env set SUBSCRIBER_ID_KEY ([Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))'
    $missing = $true
}

$key = $env:TOKEN_SIGNING_KEY
if (-not [string]::IsNullOrEmpty($key) -and $key.Length -lt 44) {
    Write-Host 'preprovision: TOKEN_SIGNING_KEY is shorter than 44 characters: it must be base64 of at least 32 bytes.' -ForegroundColor Red
    Write-Host '  azd env set TOKEN_SIGNING_KEY ([Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))'
    $missing = $true
}

if ($missing) {
    Write-Host 'preprovision: set the values above, then run azd up again (docs/deployment.md).' -ForegroundColor Red
    exit 1
}
Write-Host 'preprovision: the azd environment has every value infra/main.parameters.json needs.'

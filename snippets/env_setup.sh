# Secrets live in the environment or a secret manager, never in source control.
export WHATSAPP_TOKEN="paste-the-system-user-token-here"
export META_APP_ID="your-app-id"
export META_APP_SECRET="your-app-secret"
export WHATSAPP_WABA_ID="your-whatsapp-business-account-id"
export WHATSAPP_PHONE_NUMBER_ID="your-phone-number-id"
export WHATSAPP_REGISTRATION_PIN="your-6-digit-pin"  # onboarding only: the number's two-step PIN

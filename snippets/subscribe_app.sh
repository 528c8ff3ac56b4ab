# Subscribe your app to the WABA's webhooks (safe to repeat). Without it, no webhook arrives.
curl -sS -X POST "https://graph.facebook.com/v26.0/${WHATSAPP_WABA_ID}/subscribed_apps" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}"

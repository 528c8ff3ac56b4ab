# Subscribe your app to the WABA's webhooks. Without it, no webhook arrives.
curl -sS --max-time 30 --fail-with-body -X POST "https://graph.facebook.com/v26.0/${WHATSAPP_WABA_ID}/subscribed_apps" \
  -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}")

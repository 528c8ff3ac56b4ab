# Which apps receive this WABA's webhooks?
curl -sS --max-time 30 --fail-with-body "https://graph.facebook.com/v26.0/${WHATSAPP_WABA_ID}/subscribed_apps" \
  -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}")

# Which apps receive this WABA's webhooks?
curl -sS "https://graph.facebook.com/v26.0/${WHATSAPP_WABA_ID}/subscribed_apps" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}"

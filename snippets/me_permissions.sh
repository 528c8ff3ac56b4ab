# Which permissions did the person behind a user token grant, decline, or let expire?
curl -sS "https://graph.facebook.com/v26.0/me/permissions" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}"

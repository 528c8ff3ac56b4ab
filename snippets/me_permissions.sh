# Which permissions did the person behind a user token grant, decline, or let expire?
curl -sS --max-time 30 --fail-with-body "https://graph.facebook.com/v26.0/me/permissions" \
  -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}")

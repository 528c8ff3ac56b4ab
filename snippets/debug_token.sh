# What is this token? Validity, app, type, expiry and scopes.
# Server-side only: the app token is APP_ID|APP_SECRET. Both secrets reach curl through file
# descriptors (printf is a shell builtin), so they never show in the process list.
curl -sS --max-time 30 --fail-with-body --get "https://graph.facebook.com/v26.0/debug_token" \
  --data-urlencode "input_token@"<(printf '%s' "${WHATSAPP_TOKEN}") \
  -H @<(printf 'Authorization: Bearer %s|%s\n' "${META_APP_ID}" "${META_APP_SECRET}")

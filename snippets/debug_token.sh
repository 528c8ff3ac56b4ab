# What is this token? Validity, app, type, expiry and scopes.
# Server-side only: the app token is APP_ID|APP_SECRET.
curl -sS --get "https://graph.facebook.com/v26.0/debug_token" \
  --data-urlencode "input_token=${WHATSAPP_TOKEN}" \
  -H "Authorization: Bearer ${META_APP_ID}|${META_APP_SECRET}"

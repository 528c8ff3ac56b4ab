# Read the business phone number: proves the ID exists and that the token can reach it.
curl -sS --max-time 30 --fail-with-body "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}" \
  -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}")

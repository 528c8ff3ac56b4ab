# Read the business phone number: proves the ID exists and that the token can reach it.
curl -sS "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}"

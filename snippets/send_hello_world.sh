# Send Meta's hello_world template to a test recipient.
curl -sS "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}/messages" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}" \
  -H "Content-Type: application/json" \
  -d '{"messaging_product": "whatsapp", "recipient_type": "individual",
       "to": "'"${WHATSAPP_TEST_RECIPIENT}"'", "type": "template",
       "template": {"name": "hello_world", "language": {"policy": "deterministic", "code": "en_US"}}}'

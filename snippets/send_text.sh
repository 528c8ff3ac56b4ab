# Send a free-form text. It only goes out within 24 hours of the customer's last message.
curl -sS "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}/messages" \
  -H "Authorization: Bearer ${WHATSAPP_TOKEN}" \
  -H "Content-Type: application/json" \
  -d '{"messaging_product": "whatsapp", "recipient_type": "individual",
       "to": "'"${WHATSAPP_TEST_RECIPIENT}"'", "type": "text", "text": {"body": "Your order has shipped."}}'

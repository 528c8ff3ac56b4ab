# Send a free-form text. It only goes out within 24 hours of the customer's last message.
jq -n --arg to "${WHATSAPP_TEST_RECIPIENT}" --arg body "Your order has shipped." \
  '{messaging_product: "whatsapp", recipient_type: "individual", to: $to, type: "text", text: {body: $body}}' |
  curl -sS --max-time 30 --fail-with-body "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}/messages" \
    -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}") \
    -H "Content-Type: application/json" --data-binary @-

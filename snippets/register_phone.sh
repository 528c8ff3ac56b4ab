# Register the customer's number for Cloud API with its 6-digit two-step verification PIN.
# The PIN and the token reach jq and curl through file descriptors, never as arguments.
jq -n --rawfile pin <(printf '%s' "${WHATSAPP_REGISTRATION_PIN}") '{messaging_product: "whatsapp", pin: $pin}' |
  curl -sS --max-time 30 --fail-with-body -X POST "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}/register" \
    -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}") \
    -H "Content-Type: application/json" --data-binary @-

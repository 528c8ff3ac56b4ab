# Send Meta's hello_world template to a test recipient. jq builds the body: --arg quotes the
# number, so no character in it can change the JSON. curl never repeats or redirects the POST.
jq -n --arg to "${WHATSAPP_TEST_RECIPIENT}" '{messaging_product: "whatsapp", recipient_type: "individual",
    to: $to, type: "template",
    template: {name: "hello_world", language: {policy: "deterministic", code: "en_US"}}}' |
  curl -sS --max-time 30 --fail-with-body "https://graph.facebook.com/v26.0/${WHATSAPP_PHONE_NUMBER_ID}/messages" \
    -H @<(printf 'Authorization: Bearer %s\n' "${WHATSAPP_TOKEN}") \
    -H "Content-Type: application/json" --data-binary @-

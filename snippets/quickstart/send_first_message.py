"""Send Meta's hello_world template: the smallest complete send (requests only)."""

import os

import requests

graph = os.environ.get("GRAPH_API_BASE", "https://graph.facebook.com") + "/v26.0"
url = f"{graph}/{os.environ['WHATSAPP_PHONE_NUMBER_ID']}/messages"
template = {"name": "hello_world", "language": {"code": "en_US"}}
message = {"messaging_product": "whatsapp", "to": os.environ["WHATSAPP_TEST_RECIPIENT"], "type": "template", "template": template}
headers = {"Authorization": f"Bearer {os.environ['WHATSAPP_TOKEN']}"}
answer = requests.post(url, json=message, headers=headers, timeout=30)
print(answer.status_code, answer.text)

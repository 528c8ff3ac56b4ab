"""Media: upload (POST /{phone-number-id}/media), retrieve the URL (GET /{media-id}), delete.

Fields as Meta's media reference lists them (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media):
the retrieve answer carries messaging_product, url, mime_type, sha256, file_size and id. Uploads
are capped by the mock's body limit (1 MB), far below Meta's media sizes.
"""

from __future__ import annotations

import base64
import hashlib

from mockgraph.call import Call, Raw, require
from mockgraph.errors import GraphError

# The demo media object every mock starts with (mockgraph.objects): a 1x1 JPEG's worth of bytes.
_DEMO: dict = {"mime_type": "image/jpeg", "content": b"\xff\xd8\xff\xe0demo-media\xff\xd9"}


def upload(call: Call) -> dict:
    upload = call.request.files.get("file")
    if upload is None:
        raise GraphError(100, "(#100) The parameter file is required", details="Send the file as multipart/form-data field file.")
    if call.form.get("messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    content = upload.read()
    mime_type = call.form.get("type") or upload.mimetype
    require({"type": mime_type}, "type")
    digest = hashlib.sha256(content).hexdigest()
    media_id = "70" + str(int(digest[:16], 16))[-13:].rjust(13, "0")
    call.mock.media[media_id] = {"mime_type": mime_type, "content": content}
    call.mock.objects.add("media-id", media_id, call.waba)
    return {"id": media_id}


def retrieve_url(call: Call) -> dict:
    media_id = call.ids["media-id"]
    stored = call.mock.media.get(media_id, _DEMO)
    content = stored["content"]
    return {
        "messaging_product": "whatsapp",
        "url": f"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid={media_id}&ext=1767225600",
        "mime_type": stored["mime_type"],
        "sha256": base64.b64encode(hashlib.sha256(content).digest()).decode(),
        "file_size": str(len(content)),
        "id": media_id,
    }


def delete(call: Call) -> dict:
    media_id = call.ids["media-id"]
    if call.mock.media.pop(media_id, None) is not None:  # uploaded here; the demo object stays for other tests
        call.mock.objects.remove("media-id", media_id)
    return {"success": True}


def download(call: Call) -> Raw:
    """GET /{media-url}: the file itself, with its own Content-Type (the demo media's bytes)."""
    return Raw(_DEMO["content"], _DEMO["mime_type"])

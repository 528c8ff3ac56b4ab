"""Graph's error envelope: the one shape every failure of the mock takes (facts §3 and §4)."""

from __future__ import annotations

import base64
import hashlib


class GraphError(Exception):
    """An error answer in Graph's envelope (facts §3: message, type, code, error_subcode, fbtrace_id).

    ``details`` adds WhatsApp's error_data.details (facts §4); ``status`` overrides the HTTP status
    the YAML gives the code (413 for a body that is too large)."""

    def __init__(self, code, message, *, subcode=None, type="OAuthException", details=None, status=None):
        super().__init__(message)
        self.code, self.message, self.subcode, self.type, self.details = code, message, subcode, type, details
        self.status = status


def unsupported(method: str, object_id: str) -> GraphError:
    # Facts §3: "Unsupported get request. Object with ID 'X' does not exist, cannot be loaded due to
    # missing permissions, or does not support this operation" (code 100, subcode 33).
    return GraphError(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        type="GraphMethodException",
    )


def bad_request(message: str, status: int = 400) -> GraphError:
    """A request the mock cannot read at all (body too large, unreadable, nested too deep)."""
    return GraphError(100, f"(#100) {message}", type="GraphMethodException", details=message, status=status)


def trace_id(method: str, unversioned_path: str, body: bytes) -> str:
    """Deterministic, so the JSON on the site equals what the mock returns for the same request; the
    version is left out so a version bump does not change the shown responses."""
    seed = f"{method} {unversioned_path} {body[:4096]!r}".encode()
    return "A" + base64.urlsafe_b64encode(hashlib.sha256(seed).digest()).decode()[:22]


def envelope(error: GraphError, trace: str) -> dict:
    body: dict = {"message": error.message, "type": error.type, "code": error.code}
    if error.subcode is not None:
        body["error_subcode"] = error.subcode
    if error.details is not None:
        # WhatsApp endpoints (facts §4): error_data.details; error_subcode not sent since v16.0.
        body["error_data"] = {"messaging_product": "whatsapp", "details": error.details}
    body["fbtrace_id"] = trace
    return {"error": body}

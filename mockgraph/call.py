"""What a handler gets: the request, the operation it matched, who is calling, and the mock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from mockgraph.errors import GraphError
from mockgraph.limits import parse_json

if TYPE_CHECKING:
    from mockgraph.app import GraphMock


@dataclass(frozen=True)
class Raw:
    """A handler's answer that is not JSON (a media download): the bytes and their Content-Type."""

    body: bytes
    content_type: str


@dataclass
class Call:
    mock: GraphMock
    request: Request
    operation: dict
    ids: dict[str, str]  # path ids by kind, e.g. {"phone-number-id": "300000000000001"}
    token: Any  # demo.DemoToken, or None for an app access token
    app: Any  # demo.App
    raw_body: bytes
    form: dict = field(default_factory=dict)
    waba: str | None = None  # the WABA the path's object belongs to (for x-business-use-case-usage)

    def json_body(self) -> dict:
        """The body as a JSON object (or the form fields of a form post), else Graph's code 100."""
        body = parse_json(self.raw_body) if self.request.mimetype == "application/json" else dict(self.form)
        if not isinstance(body, dict):
            raise GraphError(
                100, "(#100) The request body must be a JSON object", details="The request body must be a JSON object."
            )
        return body


def require(body: dict, *path: str):
    """body[path...] or Graph's code 100 naming the missing parameter."""
    value: Any = body
    for i, key in enumerate(path):
        value = value.get(key) if isinstance(value, dict) else None
        # An empty object on the way ({"text": {}}) is not the missing one: name the key inside it.
        if value in (None, "", []) or (value == {} and i == len(path) - 1):
            name = ".".join(path[: i + 1])
            raise GraphError(100, f"(#100) The parameter {name} is required", details=f"The parameter {name} is required.")
    return value

"""Bounds: how much of a request body the mock reads, how deep its JSON may nest, and the
WhatsApp send limits (facts §8) the messages handler enforces."""

from __future__ import annotations

import collections
import json
import threading
import time

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wrappers import Request

from mockgraph.errors import GraphError, bad_request

MAX_BODY = 1 << 20  # Graph rejects huge bodies; so do we, with a Graph-shaped error
MAX_JSON_DEPTH = 64  # far deeper than any Graph payload; deeper input is refused before parsing


def read_body(request: Request) -> bytes:
    """The body, read at most once and never beyond MAX_BODY.

    A declared Content-Length over the cap is refused before a byte is read; a body without one
    (chunked, behind a server that does not de-chunk) is read through a limit, so a client that
    announces a huge chunk cannot make the mock buffer it."""
    request.max_content_length = MAX_BODY
    declared = request.content_length
    if declared is not None and declared > MAX_BODY:
        raise bad_request(f"The request body is larger than {MAX_BODY} bytes", status=413)
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise bad_request(f"The request body is larger than {MAX_BODY} bytes", status=413) from None
    except ClientDisconnected:
        raise bad_request("The request body ended before its declared length") from None
    if declared is not None and len(body) < declared:
        raise bad_request("The request body ended before its declared length")
    return body


def _too_deep(text: str) -> bool:
    """Nesting depth without parsing: json.loads would recurse (and fail) on 100k-deep input."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False  # cannot nest deeper than it has brackets; skips the scan for ordinary bodies
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_json(raw: bytes):
    """Parse a JSON body, or raise Graph's code 100 naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8 JSON") from None
    if _too_deep(text):
        raise bad_request(f"The request body nests JSON deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text or "null")
    except (ValueError, RecursionError):
        raise GraphError(
            100, "(#100) The request body is not valid JSON", details="The request body could not be parsed as JSON."
        ) from None


class SendLimits:
    """Facts §8: 80 messages per second per number by default (130429 beyond), and a pair rate limit
    per sender/recipient (131056). Meta's pair figures come from secondary sources (about 1 message
    per 6 s, bursts up to 45); tests lower both limits to trigger them."""

    def __init__(self, throughput_mps: int, pair_limit: int, pair_window: float) -> None:
        self.throughput_mps, self.pair_limit, self.pair_window = throughput_mps, pair_limit, pair_window
        self._sent: dict[tuple[str, str], collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def check(self, phone_id: str, recipient: str) -> None:
        now = time.monotonic()
        with self._lock:
            number = self._sent[(phone_id, "*")]
            pair = self._sent[(phone_id, recipient)]
            while number and now - number[0] >= 1.0:
                number.popleft()
            while pair and now - pair[0] >= self.pair_window:
                pair.popleft()
            if len(number) >= self.throughput_mps:
                raise GraphError(130429, "(#130429) Rate limit hit", details="Cloud API message throughput has been reached.")
            if len(pair) >= self.pair_limit:
                raise GraphError(
                    131056,
                    "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                    details="Too many messages sent from this phone number to the same recipient "
                    "in a short period of time. Messages to other recipients can go out now.",
                )
            number.append(now)
            pair.append(now)

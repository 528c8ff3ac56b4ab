"""The webhook receiver's protocol functions, whole values: Meta's verification handshake
(subscription_challenge) and the X-Hub-Signature-256 check (signature_is_valid). Fast, in-process."""

from __future__ import annotations

import pytest

from snippets.webhook_receiver import signature_is_valid, subscription_challenge

VERIFY = "my-verify-token"


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        (f"hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1158201444", "1158201444"),
        (f"hub.mode=subscribe&hub.verify_token={VERIFY}", ""),  # no challenge: an empty echo
        (f"hub.mode=unsubscribe&hub.verify_token={VERIFY}&hub.challenge=1", None),
        (f"hub.verify_token={VERIFY}&hub.challenge=1", None),  # no mode
        ("hub.mode=subscribe&hub.challenge=1", None),  # no token
        ("hub.mode=subscribe&hub.verify_token=not-ours&hub.challenge=1", None),
        ("", None),
    ],
)
def test_the_handshake_echoes_the_challenge_only_for_our_token_and_mode_subscribe(query, answer):
    assert subscription_challenge(query, VERIFY) == answer


@pytest.mark.parametrize("query", ["hub.mode=subscribe&hub.challenge=1", "hub.mode=subscribe&hub.verify_token=&hub.challenge=1"])
def test_an_empty_verify_token_of_ours_opens_the_handshake_to_no_one(query):
    """A receiver started with an empty verify token must not echo a challenge sent with none."""
    assert subscription_challenge(query, "") is None


BODY = b'{"object":"whatsapp_business_account"}'


# RFC 4231, test case 2: HMAC-SHA256 with key "Jefe" of "what do ya want for nothing?".
BODY, SECRET = b"what do ya want for nothing?", "Jefe"
GOOD = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


@pytest.mark.parametrize(
    ("body", "header", "secret", "valid"),
    [
        (BODY, GOOD, SECRET, True),
        (BODY, None, SECRET, False),
        (BODY, "", SECRET, False),
        (BODY, GOOD.upper(), SECRET, False),
        (BODY, GOOD[:-1], SECRET, False),
        (BODY, GOOD.replace("sha256=", "sha1="), SECRET, False),
        (BODY, GOOD + " ", SECRET, False),
        (BODY + b" ", GOOD, SECRET, False),  # the raw bytes: re-serialised JSON would not match
        (BODY, GOOD, "jefe", False),
    ],
)
def test_the_signature_is_hmac_sha256_of_the_raw_body_with_the_app_secret(body, header, secret, valid):
    assert signature_is_valid(body, header, secret) is valid

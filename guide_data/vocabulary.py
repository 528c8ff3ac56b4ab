"""The closed lists the data may use: the schema enforces them and the pages, mockgraph and the
tests read them from here, so a value is named in one place."""

from __future__ import annotations

# The permissions Meta's WhatsApp Permissions page names (core and optional). A name outside this
# list is almost always a typo, and a typo here would silently change what mockgraph enforces.
KNOWN_PERMISSIONS = (
    "whatsapp_business_messaging",
    "whatsapp_business_management",
    "business_management",
    "whatsapp_business_manage_events",
    "ads_read",
)

# What a client should do with an error: the small set the classifier answers with.
CLIENT_ACTIONS = ("retry_with_backoff", "retry_after_wait", "fix_then_retry", "do_not_retry", "reauthenticate")

# Where an error reaches the client: the API response, a `failed` message-status webhook, or both;
# or, for media a user sent that Meta could not fetch, with that incoming message (messages[].errors).
ARRIVALS = ("response", "status_webhook", "both", "incoming_message")
CONFIDENCE = ("high", "medium", "low")

# The error reference's tabs, in page order (Meta's page sections plus the families it links to).
ERROR_CATEGORIES = (
    "authorization",
    "throttling",
    "integrity",
    "sending",
    "templates",
    "flows",
    "registration",
    "marketing",
    "payments",
    "groups",
    "calling",
    "management",
    "graph",
)
# An arrives_note for a value Meta does not state opens with one of these, so the page says so.
ARRIVES_NOT_STATED = ("Meta does not say", "Meta's page does not say")
# Every graph_errors row has these fields (the drift guard in tests checks the same list).
ERROR_ROW_FIELDS = (
    "code",
    "category",
    "title",
    "meta_text",
    "http_status",
    "cause",
    "fix",
    "prevention",
    "client_action",
    "arrives",
    "arrives_stated",
    "source",
    "confidence",
)

# Hosts whose pages count as Meta's own word (a quoted Meta statement must link to one of them).
META_HOSTS = ("developers.facebook.com", "developers.secure.facebook.com", "www.facebook.com", "www.whatsapp.com")

# The topics a topic_facts entry may have: a page shows a topic's facts with {{ topic_facts(...) }}.
TOPICS = (
    "test_numbers",
    "temporary_token",
    "subscribed_apps",
    "embedded_signup",
    "messaging_limits",
    "app_review_mechanics",
    "status_webhooks",
    "onboarding",
    "onboarding_failures",
    "scope_changes",
    "long_lived_tokens",
    "business_management",
    "waba_name",
    "coexistence",
)

# ---- operations: the operation -> permission map (issue 13) ------------------------------------------
# One entry per Graph operation; see the comment above `operations:` in data/guide.yaml.
NOT_STATED = "not stated by Meta"
TOKEN_TYPES = ("USER", "SYSTEM_USER", "BUSINESS_INTEGRATION_SYSTEM_USER", "APP")
OPERATION_GROUPS = (
    "messages", "media", "phone-numbers", "business-profile", "templates", "waba", "webhooks",
    "business-portfolio", "preverified-numbers", "partners", "flows", "groups", "calls", "tokens",
)  # fmt: skip
MOCK_MODES = ("simulated", "from spec", "not a Graph call")

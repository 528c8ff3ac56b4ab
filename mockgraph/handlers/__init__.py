"""The handlers of the operations mockgraph simulates, by the operation's id in data/guide.yaml.

Adding a simulated operation is two lines: `mock: simulated` on its entry in data/guide.yaml, and
one line here naming its handler (a function taking a mockgraph.call.Call and returning the JSON
answer). mockgraph.routing.build refuses to start when the two lists differ. Every other routed
operation gets the permission check from the map and then a "not simulated by mockgraph" error.

To refuse a send (the test number's allow list, the error drills), append a function taking
(call, recipient digits) to GraphMock.message_checks; to react to an accepted send (status
webhooks), append one taking (call, answer) to GraphMock.message_listeners. The messages handler
calls each in order.
"""

from __future__ import annotations

from collections.abc import Callable

from mockgraph import credit_lines, onboarding
from mockgraph.call import Call
from mockgraph.handlers import assets, media, messages, templates, tokens

Handler = Callable[[Call], dict]

HANDLERS: dict[str, Handler] = {
    "debugToken": tokens.debug_token,
    "getUserPermissions": tokens.me_permissions,
    "exchangeEmbeddedSignupCode": onboarding.exchange_code,
    "shareCreditLine": credit_lines.share,
    "sendMessage": messages.send_message,
    "uploadImage": media.upload,
    "retrieveMediaUrl": media.retrieve_url,
    "deleteMedia": media.delete,
    "getPhoneNumberById": assets.phone_number,
    "registerWhatsAppBusinessPhoneNumber": assets.register,
    "getWhatsAppBusinessProfile": assets.business_profile,
    "updateWhatsAppBusinessProfileInformation": assets.update_business_profile,
    "getWhatsAppBusinessAccountDetails": assets.waba,
    "getWhatsAppBusinessAccountPhoneNumbers": assets.phone_numbers,
    "getAllSubscriptionsForAWaba": assets.subscribed_apps,
    "subscribeToWabaWebhooks": assets.subscribe_app,
    "unsubscribeFromWabaWebhooks": assets.unsubscribe_app,
    "getTemplateByNameDefaultFields": templates.list_templates,
    "createAuthenticationTemplateWOtpCopyCodeButton": templates.create_template,
    "deleteTemplateByName": templates.delete_template,
}

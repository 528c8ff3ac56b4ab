"""The hand-written handlers, by the operation's id in data/guide.yaml: the operations whose
behaviour a client notices (sends, media, templates, profile, Flows, QR codes, groups, ...).

Adding one is two lines: `mock: simulated` on its entry in data/guide.yaml, and one line here
naming its handler (a function taking a mockgraph.call.Call and returning the JSON answer, or a
mockgraph.call.Raw). mockgraph.routing.build refuses to start when the two lists differ. Every
other routed operation (`mock: from spec`) gets the permission check, then mockgraph.spec's
answer: the request validated against Meta's spec, the spec's 200 example returned.

To refuse a send (the test number's allow list, the error drills), append a function taking
(call, recipient digits) to GraphMock.message_checks; to react to an accepted send (status
webhooks), append one taking (call, answer) to GraphMock.message_listeners. The messages handler
calls each in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockgraph import credit_lines, onboarding, system_user_tokens
from mockgraph.call import Call
from mockgraph.handlers import assets, media, messages, templates, tokens, world

Handler = Callable[[Call], Any]  # JSON to answer, or a mockgraph.call.Raw (a media download)

HANDLERS: dict[str, Handler] = {
    "debugToken": tokens.debug_token,
    "getUserPermissions": tokens.me_permissions,
    "exchangeEmbeddedSignupCode": onboarding.exchange_code,
    "shareCreditLine": credit_lines.share,
    "generateSystemUserToken": system_user_tokens.generate,
    "sendMessage": messages.send_message,
    "uploadImage": media.upload,
    "retrieveMediaUrl": media.retrieve_url,
    "deleteMedia": media.delete,
    "downloadMedia": media.download,
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
    "getTemplateByIdDefaultFields": templates.get_template,
    "createFlow": world.create_flow,
    "listFlows": world.list_flows,
    "getFlow": world.get_flow,
    "publishFlow": world.publish_flow,
    "deprecateFlow": world.deprecate_flow,
    "deleteFlow": world.delete_flow,
    "createOrUpdateQrCode": world.create_qr_code,
    "listAllQrCodes": world.list_qr_codes,
    "getIndividualQrCode": world.get_qr_code,
    "deleteIndividualQrCode": world.delete_qr_code,
    "blockUserS": world.block_users,
    "unblockUserS": world.unblock_users,
    "getBlockedUsers": world.blocked_users,
    "createGroup": world.create_group,
    "getActiveGroups": world.list_groups,
    "getGroupInfo": world.get_group,
    "deleteGroup": world.delete_group,
    "addPhoneNumbers": world.add_preverified_number,
    "getPreVerifiedPhoneNumbers": world.list_preverified_numbers,
    "getPreVerifiedPhoneNumberDetails": world.get_preverified_number,
    "requestPreVerifiedPhoneNumberCode": world.request_preverified_code,
    "verifyPreVerifiedPhoneNumberCode": world.verify_preverified_code,
    "deletePreVerifiedPhoneNumber": world.delete_preverified_number,
}

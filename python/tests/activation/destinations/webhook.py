from cdp.destinations.webhook.emulator import WebhookApp
from tests.activation.conftest import AUDIENCE
from tests.activation.contract_case import Case

CASE = Case(
    "webhook",
    WebhookApp,
    {"email": "email", "first_name": "first_name", "score": "score"},
    lambda app, _: {r["email"] for r in app.records.get(AUDIENCE, {}).values()},
    bad_row={"email": "not-an-email"},
    options={"consent_channel": "email"},
)

from cdp.destinations.hubspot.emulator import HubSpotApp
from tests.activation.contract_case import Case

CASE = Case(
    "hubspot",
    HubSpotApp,
    {"email": "email", "firstname": "first_name", "cdp_score": "score"},
    lambda app, _: {c["email"] for c in app.contacts.values()},
    bad_row={"email": "broken@address"},
)

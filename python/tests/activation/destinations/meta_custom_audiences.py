import hashlib

from cdp.destinations.meta_custom_audiences.emulator import MetaApp
from tests.activation.contract_case import Case

CASE = Case(
    "meta_custom_audiences",
    MetaApp,
    {"EMAIL": "email", "PHONE": "phone_e164", "FN": "first_name", "COUNTRY": "country_code"},
    lambda app, _: {value for a in app.audiences.values() for key, value in a["users"] if key == "EMAIL"},
    expect=lambda email: hashlib.sha256(email.encode()).hexdigest(),
    bad_row={"email": None, "phone_e164": None},
    options={"ad_account_id": "act_1001"},
)

import hashlib

from cdp.destinations.google_ads_customer_match.emulator import GoogleAdsApp
from tests.activation.contract_case import Case

CASE = Case(
    "google_ads_customer_match",
    GoogleAdsApp,
    # The fixture has no postcode column: the score stands in for one, so addresses (all four parts) go too.
    {
        "email": "email",
        "phone": "phone_e164",
        "first_name": "first_name",
        "last_name": "last_name",
        "country_code": "country_code",
        "postal_code": "score",
    },
    lambda app, _: {
        value for members in app.lists.values() for key, value, *_ in members if key == "hashedEmail"
    },
    expect=lambda email: hashlib.sha256(email.encode()).hexdigest(),
    bad_row={"email": None, "phone_e164": None},
    options={"customer_id": "123-456-7890", "user_list_id": "4455", "developer_token_env": "CDP_TEST_TOKEN"},
)

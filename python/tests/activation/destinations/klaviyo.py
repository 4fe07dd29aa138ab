from cdp.destinations.klaviyo.emulator import KlaviyoApp
from tests.activation.contract_case import Case

CASE = Case(
    "klaviyo",
    KlaviyoApp,
    {"email": "email", "first_name": "first_name", "last_name": "last_name", "cdp_score": "score"},
    lambda app, _: app.reachable(),
    bad_row={"email": "broken@address"},
    options={"poll_interval_seconds": 0.05},
)

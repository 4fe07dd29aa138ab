from cdp.destinations.braze.emulator import BrazeApp
from tests.activation.contract_case import Case

CASE = Case(
    "braze",
    BrazeApp,
    {"email": "email", "first_name": "first_name", "cdp_score": "score"},
    lambda app, _: {user["email"] for user in app.users.values() if user.get("email")},
    bad_row={"email": "broken@address"},
)

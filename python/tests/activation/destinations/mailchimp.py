from cdp.destinations.mailchimp.emulator import MailchimpApp
from tests.activation.contract_case import Case

CASE = Case(
    "mailchimp",
    MailchimpApp,
    {"email_address": "email", "FNAME": "first_name", "LNAME": "last_name", "SCORE": "score"},
    lambda app, _: app.subscribed(),
    bad_row={"email": "broken@address"},
    options={"list_id": "c0ffee0001"},
)

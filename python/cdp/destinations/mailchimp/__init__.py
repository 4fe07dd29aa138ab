"""Mailchimp audiences (Marketing API v3): list members batch-subscribed by e-mail, unsubscribed to remove."""

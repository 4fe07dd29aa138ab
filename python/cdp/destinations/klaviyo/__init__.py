"""Klaviyo profiles: asynchronous bulk import jobs (polled to completion), e-mail suppression to remove."""

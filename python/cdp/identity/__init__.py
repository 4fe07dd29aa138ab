"""Identity resolution helpers: evaluation against a ground truth (``cdp identity``)."""

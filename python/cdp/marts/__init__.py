"""The customer marts from Python: the 360 table's generated docs and a summary of what the marts say."""

"""Mirroring submitted responses into each organisation's spreadsheet, exactly once.

The outbox (written in the response's own transaction) says what to mirror; the worker
drains it into one sink per organisation: a local .xlsx workbook by default, or a Google
Sheet when the organisation has a `spreadsheet: {google_key: ...}` in organisations.yaml.
"""

"""Mirroring submitted responses into each organisation's spreadsheet, exactly once.

The outbox (written in the response's own transaction) says what to mirror; the worker
drains it into one sink per organisation, of the kind its `spreadsheet:` setting in
organisations.yaml names (service/sync/registry.py): a local .xlsx workbook by default, a
Google Sheet (`google_key`), or an Excel workbook in Microsoft 365 (`drive_id`/`item_id`
or `sharing_url`).
"""

"""Laying answers out in rows and workbooks (column specs, sheet mirrors, regional workbook)."""

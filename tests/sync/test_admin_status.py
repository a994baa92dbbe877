"""The admin overview shows each organisation's sheet: pending work and a parked reason."""

from __future__ import annotations

from flask import Flask

from tests.sync.helpers import submit, workbook_path, worker


def test_admin_page_shows_parked_reason_and_pending(app: Flask, admin) -> None:
    path = workbook_path(app)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"broken")
    submit(app)
    submit(app, org="ronneby")
    worker(app).run_once()
    submit(app, org="ronneby")
    page = admin.client.get("/admin/").get_data(as_text=True)
    assert "Organisationernas kalkylblad" in page
    assert "Stoppat: Arbetsboken" in page and "skadad" in page
    ronneby = page.split("Ronneby kommun</th>")[-1].split("</tr>")[0]
    assert '">1</td>' in ronneby and "Väntar på synk" in ronneby

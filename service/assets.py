"""Page weight: compressed responses and static files cached for a year under their hash.

Every `url_for('static', filename=...)` gets `?v=<hash of the file's content>`: a changed
file gets a new address, so the old one can be cached for good (`immutable`) and a repeat
visit costs one HTML request. A request without the current hash (an old page, a typed
address) is still served, but must revalidate. Responses are compressed (zstd, brotli or
gzip, whichever the browser accepts) by Flask-Compress.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask import Response as FlaskResponse
from flask_compress import Compress

YEAR = 365 * 24 * 3600


class StaticHashes:
    """The content hash of every file in the static folder, computed once at start-up."""

    def __init__(self, folder: Path) -> None:
        self.hashes = {
            path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }

    def add_version(self, endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            digest = self.hashes.get(values.get("filename", ""))
            if digest:
                values["v"] = digest

    def cache_headers(self, response: FlaskResponse) -> FlaskResponse:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == self.hashes.get(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


def init_app(app: Flask) -> None:
    hashes = StaticHashes(Path(app.static_folder or ""))
    app.url_defaults(hashes.add_version)
    app.after_request(hashes.cache_headers)
    Compress(app)

"""Page weight: compressed responses and static files cached for a year under their hash.

Every `url_for('static', filename=...)` gets `?v=<hash of the file's content>`: a changed
file gets a new address, so the old one can be cached for good (`immutable`) and a repeat
visit costs one HTML request. A request without the current hash (an old page, a typed
address) is still served, but must revalidate. Responses are compressed (zstd, brotli or
gzip, whichever the browser accepts) by Flask-Compress.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, request
from flask import Response as FlaskResponse
from flask_compress import Compress

YEAR = 365 * 24 * 3600
TEXT_SUFFIXES = {".css", ".js", ".svg", ".txt"}


class StaticHashes:
    """The content hash of every file in the static folder, computed once at start-up,
    and the text files compressed once at the strongest levels (brotli 11, gzip 9)."""

    def __init__(self, folder: Path) -> None:
        self.hashes: dict[str, str] = {}
        self.compressed: dict[tuple[str, str], bytes] = {}
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            name, content = path.relative_to(folder).as_posix(), path.read_bytes()
            self.hashes[name] = hashlib.sha256(content).hexdigest()[:12]
            if path.suffix in TEXT_SUFFIXES:
                self.compressed[name, "br"] = brotli.compress(content, quality=11)
                self.compressed[name, "gzip"] = gzip.compress(content, 9, mtime=0)

    def add_version(self, endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            digest = self.hashes.get(values.get("filename", ""))
            if digest:
                values["v"] = digest

    def cache_headers(self, response: FlaskResponse) -> FlaskResponse:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        self.compress(filename, response)
        if request.args.get("v") and request.args.get("v") == self.hashes.get(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response

    def compress(self, filename: str, response: FlaskResponse) -> None:
        """Send the file compressed ahead of time, if the browser takes brotli or gzip."""
        accepted = {
            part.split(";")[0].strip()
            for part in request.headers.get("Accept-Encoding", "").split(",")
        }
        encoding = next((e for e in ("br", "gzip") if e in accepted), None)
        body = self.compressed.get((filename, encoding or ""))
        if body is None or "Content-Encoding" in response.headers:
            return
        response.close()  # the file Flask had opened is not sent
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = str(encoding)
        response.headers["ETag"] = f'"{self.hashes[filename]}-{encoding}"'
        response.vary.add("Accept-Encoding")


def init_app(app: Flask) -> None:
    hashes = StaticHashes(Path(app.static_folder or ""))
    app.url_defaults(hashes.add_version)
    # Brotli first: its built-in dictionary of web text beats zstd and gzip on our pages.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "zstd", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    Compress(app)
    # Registered after Flask-Compress so that it runs first (Flask runs these in reverse):
    # a static file leaves already compressed, and Flask-Compress lets it pass.
    app.after_request(hashes.cache_headers)

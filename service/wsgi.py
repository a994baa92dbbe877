"""WSGI entry point for gunicorn: `gunicorn service.wsgi:app`."""

import sys

from service import create_app
from service.errors import StartupError

try:
    app = create_app()
except StartupError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)

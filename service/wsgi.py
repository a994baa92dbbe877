"""WSGI entry point for gunicorn: `gunicorn service.wsgi:app`."""

import sys

from service import create_app, logs, pdf
from service.errors import StartupError

logs.configure()
try:
    app = create_app()
except StartupError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)

pdf.warm_up()  # once in the master when gunicorn preloads, so no worker's first PDF waits

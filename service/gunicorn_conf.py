"""gunicorn settings: `gunicorn -c python:service.gunicorn_conf service.wsgi:app`.

`checklistor serve` uses them; so can a deployment that runs gunicorn itself. Command-line
options (`--bind`, `--workers`) override them.
"""

import os

bind = os.environ.get("CHECKLISTOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CHECKLISTOR_WORKERS", "2"))
preload_app = True
# One line per request comes from the app (service/logs.py), with the token redacted;
# gunicorn's own access log would print every sign-in link in clear.
accesslog = None
logger_class = "service.logs.GunicornLogger"
# gunicorn's control socket lives in $XDG_RUNTIME_DIR or ~/.gunicorn, one path for every
# instance of the user on the host, so instances would take it from one another. The
# service does not use it (`gunicornc`); signals do the same work.
control_socket_disable = True

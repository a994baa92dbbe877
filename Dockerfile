# checklistor: gunicorn and a sync worker as a non-root user, data in the /data volume.
# The base is pinned by digest; any Debian-like image with Python 3.11 and `python3 -m venv`
# works instead: --build-arg BASE=... (CI builds on a Debian 12 base of its own, see
# scripts/container-base.sh). Package indexes come from the build's environment:
# --build-arg PIP_INDEX_URL=... (nothing about the index is written into the image).
ARG BASE=docker.io/library/python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

# --- build: the locked dependencies into a venv, the service into a wheel -----------------
FROM ${BASE} AS build
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
ARG PIP_CERT
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
# Dependencies first: this layer is rebuilt only when the lock changes. Binary wheels only,
# exactly the locked versions, hashes checked.
COPY requirements/service.txt /tmp/service.txt
RUN /opt/venv/bin/pip install --require-hashes --no-deps --only-binary=:all: \
        -r /tmp/service.txt
WORKDIR /src
COPY pyproject.toml README.md ./
COPY forms ./forms
COPY exports ./exports
COPY service ./service
RUN /opt/venv/bin/pip wheel --no-deps --wheel-dir /dist .

# --- runtime: no compilers, no build tools, no sources -----------------------------------
FROM ${BASE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CHECKLISTOR_INSTANCE_PATH=/data \
    CHECKLISTOR_HOST=0.0.0.0 \
    CHECKLISTOR_PORT=8000 \
    CHECKLISTOR_WORKERS=2
# Pango and a font for the PDF/A documents (WeasyPrint).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin checklistor \
    && mkdir -p /data && chown checklistor /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /dist /dist
RUN /opt/venv/bin/pip install --no-deps --no-index /dist/*.whl && rm -rf /dist

USER checklistor
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

# /healthz answers 503 when the database (and the sync, where it reports) is not well.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import os, sys, urllib.request as u; port = os.environ.get('CHECKLISTOR_PORT', '8000'); sys.exit(u.urlopen('http://127.0.0.1:' + port + '/healthz', timeout=4).status != 200)"]

# The web service (gunicorn on CHECKLISTOR_HOST:CHECKLISTOR_PORT with CHECKLISTOR_WORKERS
# workers) with one sync worker beside it.
CMD ["checklistor", "serve", "--no-links"]

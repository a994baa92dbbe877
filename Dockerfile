# A small production image: gunicorn as a non-root user, data in a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CHECKLISTOR_INSTANCE_PATH=/data

# Pango and a font for the PDF/A documents (WeasyPrint).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY forms ./forms
COPY exports ./exports
COPY service ./service
RUN pip install --no-compile . \
    && useradd --system --uid 10001 --home-dir /data checklistor \
    && mkdir -p /data && chown checklistor /data

USER checklistor
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# The web service (gunicorn) with one sync worker beside it; see the README for scaling out.
CMD ["checklistor", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-links"]

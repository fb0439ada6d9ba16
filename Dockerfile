# syntax=docker/dockerfile:1
# Production image: builder installs wheels into a venv; runtime copies it.
FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
WORKDIR /src
# Dependencies first, so source changes do not invalidate this layer.
COPY pyproject.toml constraints.txt README.md ./
RUN python -c "import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && /venv/bin/pip install -c constraints.txt -r requirements.txt
COPY . .
RUN /venv/bin/pip install --no-deps .

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=portal_site.settings.production \
    PORT=8000 \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/app/media \
    QP_PRIVATE_ROOT=/app/private \
    QP_GUIDE_DIR=/app/docs/guide
# A font with Cyrillic for the Pillow-drawn social preview images and badges,
# and Pango, which WeasyPrint needs to lay out the PDF documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 1000 --home /app --shell /usr/sbin/nologin portal
WORKDIR /app
COPY --from=builder /venv /venv
COPY manage.py gunicorn.conf.py ./
# The user guides of the admin's «Помощь» menu (Markdown and screenshots).
COPY --from=builder /src/docs/guide ./docs/guide
# Static files are collected at build time with a throwaway key for that step only.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/private \
    && chown -R portal:portal /app/media /app/private
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/healthz/', timeout=4)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "portal_site.wsgi:application"]

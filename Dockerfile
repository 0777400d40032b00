# Recovery Hub: one image for the web server (gunicorn + whitenoise), the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 recovery

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .

# Static files are collected at build time; the throw-away key never reaches a running container.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000000 \
    READ_DOT_ENV=false python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R recovery /app/var

USER recovery
EXPOSE 8000
CMD ["gunicorn", "recovery_hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

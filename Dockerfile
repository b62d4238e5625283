# GridGov production image: one image for web (gunicorn), worker and beat (celery).
# docker-compose.yml shows how the three run beside PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed, unprivileged user; /data holds what must outlive the container (media volume)
# and the per-container scratch directory (VAR_DIR: beat schedule).
RUN groupadd --system --gid 10001 gridgov \
 && useradd --system --uid 10001 --gid gridgov --home-dir /app --shell /usr/sbin/nologin gridgov \
 && mkdir -p /app /data/media /data/var \
 && chown -R gridgov:gridgov /data

WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so code changes reuse this layer.
# The project installs no package of its own (packages = []), only its dependencies;
# psycopg[binary], pillow and shapely ship manylinux wheels, so no compiler is needed.
COPY pyproject.toml ./
RUN pip install .

# Only what the site needs at run time (no .venv, node_modules, var/ or tests).
COPY manage.py ./
COPY govplatform ./govplatform
COPY apps ./apps
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY scripts/compile_messages.py ./scripts/compile_messages.py

# Compile translations and collect static files at build time, with DEBUG off so the
# compressed WhiteNoise storage is used. The SECRET_KEY here exists only for this step;
# the real one comes from the environment at run time (settings refuse to start without).
RUN python scripts/compile_messages.py \
 && DEBUG=false SECRET_KEY=build-time-only-not-a-secret VAR_DIR=/tmp/build-var \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
 && rm -rf /tmp/build-var \
 && python -m compileall -q govplatform apps

ENV DEBUG=false \
    VAR_DIR=/data/var \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

USER gridgov
EXPOSE 8000

# The web process by default; compose overrides the command for worker and beat.
CMD ["sh", "-c", "exec gunicorn govplatform.wsgi --bind 0.0.0.0:${PORT} --workers 3 --threads 4 --access-logfile -"]

# Privacyloket: the bot and its command line, installed as a package (not editable).
#
#   /data    the database (a volume)
#   /key     the key file, in a volume of its own: never in /data, so that a backup of
#            the data volume reveals nothing (or give the key as a Docker secret and set
#            PRIVACYLOKET_KEY_FILE=/run/secrets/privacyloket_key)
#   /config  the school configs: only what the school mounts there is loaded. The demo
#            school is in /opt/privacyloket/examples, used only when asked for with
#            PRIVACYLOKET_SCHOOLS=/opt/privacyloket/examples/cbs-klimop.toml
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PRIVACYLOKET_DATABASE=/data/privacyloket.db \
    PRIVACYLOKET_KEY_FILE=/key/privacyloket.key \
    PRIVACYLOKET_SCHOOLS=/config

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
COPY examples /opt/privacyloket/examples
# Install from the source, then compile the catalogs where they were installed (from /,
# so that Python imports the installed package and not the source), then drop the source.
RUN pip install . \
    && cd / && python -m bot.catalogs compile \
    && rm -rf /src \
    && useradd --system --uid 10001 --no-create-home --home-dir /data privacyloket \
    && mkdir -p /data /key /config \
    && chown privacyloket /data /key \
    && chmod 700 /key

WORKDIR /data
USER privacyloket
VOLUME ["/data"]

# Healthy while the bot polls the Bot API and can write its database: the running bot
# confirms both every 30 seconds ('privacyloket health' reads that confirmation). In webhook
# mode (PRIVACYLOKET_WEBHOOK_URL set) 'privacyloket health' asks the bot's /healthz instead.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["privacyloket", "health"]

CMD ["privacyloket", "run"]

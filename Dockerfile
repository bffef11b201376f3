FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PRIVACYLOKET_DATABASE=/data/privacyloket.db \
    PRIVACYLOKET_KEY_FILE=/data/privacyloket.key \
    PRIVACYLOKET_SCHOOLS=/config

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
COPY examples ./examples
RUN pip install -e . && python -m bot.catalogs compile \
    && useradd --system --uid 10001 --no-create-home --home-dir /data privacyloket \
    && mkdir -p /data /config && cp examples/cbs-klimop.toml /config/ \
    && chown privacyloket /data

USER privacyloket
VOLUME ["/data"]
CMD ["privacyloket", "run"]

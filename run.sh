#!/usr/bin/env bash
# Local development entry point (everything listens on 127.0.0.1 only).
#   ./run.sh                  Azurite (persistent, .azurite/) + the app on http://127.0.0.1:7071: under Core Tools
#                             (`func start`) when func is on PATH, else under the local host (InternalApi.LocalHost,
#                             which launches the worker as a child process and drives it over the host's protocol);
#                             loads data/demo.json when the store is empty. Ctrl-C stops what it started.
#   ./run.sh local            the same, always under the local host
# Operator commands (tools/InternalApi.Tool; each also takes --Section:Key=value settings):
#   ./run.sh token shell|kas|pages|workhorse  print a fresh JWT for curl (Gitlab-Shell-, -Kas-, -Pages-,
#                             -Workhorse-Api-Request)
#   ./run.sh import FILE      validate and import a data file into the running Azurite
#   ./run.sh generate --entities N [--seed S] --out FILE   write a made-up instance of about N records as an
#                             import file (ids from 1,000,000, paths gen-...: it imports next to the demo data)
#   ./run.sh pages publish --project ID|PATH (--folder DIR | --zip FILE) [--root-directory public]
#                             publish a folder or zip as the project's Pages deployment (blob + site row)
#   ./run.sh queues list|peek QUEUE|replay QUEUE-poison      inspect queues, replay poison messages
#   ./run.sh usage-metrics [--from DATE] [--to DATE]         KAS usage metrics totals
#   ./run.sh audit-events --project ID|PATH [--limit N]     a project's Git audit events, newest first
#   ./run.sh lfs upload --project ID|PATH [--oid OID] FILE  store an LFS object (Blob Storage) and link it to a project
#   ./run.sh migrate-layout   move rows written before the spread layout into it (docs/decisions/0006; ./run.sh runs it)
# Benchmarks (benchmarks/InternalApi.Bench: the app under the local host, as processes of their own):
#   ./run.sh bench [--requests N] [--concurrency C] [--memory-only]   latency/throughput of the hot endpoints and the host's hop,
#                             the worker's and the host's CPU per request, then the worker's peak RSS apart from the host's
#   ./run.sh bench scale [--entities N]                      the rows before and after importing a generated instance of N
#                                                            entities (default 200000), side by side; use a throwaway Azurite
#   ./run.sh bench startup [--runs N]                        cold start to first 200, JIT and ReadyToRun, vs an empty worker and a bare app
#   ./run.sh bench micro [BenchmarkDotNet args, e.g. --filter '*Jwt*']   allocations of the hot paths (no Azurite)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
cd "$REPO_ROOT"

APP_OUT="$REPO_ROOT/InternalApi.Functions/bin/Release/net10.0"
APP_DLL="$APP_OUT/InternalApi.Functions.dll"
TOOL_DLL="$REPO_ROOT/tools/InternalApi.Tool/bin/Release/net10.0/InternalApi.Tool.dll"
HOST_DLL="$REPO_ROOT/InternalApi.LocalHost/bin/Release/net10.0/InternalApi.LocalHost.dll"
BENCH_DLL="$REPO_ROOT/benchmarks/InternalApi.Bench/bin/Release/net10.0/InternalApi.Bench.dll"
BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
export AzureWebJobsStorage="${AzureWebJobsStorage:-DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;}"

build_app() {
  log "building InternalApi.Functions (Release)"
  dotnet build InternalApi.Functions -c Release --nologo -v q >&2
}

build_tool() {
  log "building tools/InternalApi.Tool (Release)"
  dotnet build tools/InternalApi.Tool -c Release --nologo -v q >&2
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# BenchmarkDotNet micro-benchmarks (docs/benchmarks.md, "Allocations"): in-process, no storage, no secrets.
if [ "${1:-}" = bench ] && [ "${2:-}" = micro ]; then
  shift 2
  exec dotnet run -c Release -v q --project benchmarks/InternalApi.Benchmarks -- "$@"
fi

ensure_secrets
export GitLab__ErrorTrackingAccessToken="${GitLab__ErrorTrackingAccessToken:-$(cat .gitlab_error_tracking_token)}"
# The demo configuration turns instance SAML/SCIM on (GitLab's default, and ours, is off): docs/scim.md.
export Scim__InstanceSamlEnabled="${Scim__InstanceSamlEnabled:-true}"
# The demo serves the GitLab.com-only endpoints (storage limit exclusions, upcoming reconciliations).
export Subscriptions__GitLabCom="${Subscriptions__GitLabCom:-true}"

MODE=auto
case "${1:-}" in
  "" | serve) ;;
  local) MODE=local ;;
  -h | --help | help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
  generate)
    [ -f "$TOOL_DLL" ] || build_tool
    exec dotnet "$TOOL_DLL" "$@"
    ;;
  token)
    [ -f "$TOOL_DLL" ] || build_tool
    exec dotnet "$TOOL_DLL" token "${2:-shell}"
    ;;
  import | queues | usage-metrics | audit-events | pages | lfs | migrate-layout)
    [ -f "$TOOL_DLL" ] || build_tool
    port_open "$TABLE_PORT" || { echo "Azurite is not running on 127.0.0.1:$TABLE_PORT: start ./run.sh in another terminal first" >&2; exit 1; }
    exec dotnet "$TOOL_DLL" "$@"
    ;;
  bench)
    if [ "${2:-}" = startup ]; then
      # Every variant is timed as built now: the app and the two baselines (benchmarks/), each also published
      # (linux-x64, ReadyToRun) into its own bin/Release/net10.0/linux-x64/publish; the host serves the workers.
      for project in InternalApi.Functions benchmarks/BareAspNetCore benchmarks/EmptyWorker; do
        log "building and publishing $project (Release; linux-x64 ReadyToRun)"
        dotnet build "$project" -c Release --nologo -v q >&2
        dotnet publish "$project" -c Release -r linux-x64 --nologo -v q >&2
      done
      log "building InternalApi.LocalHost (Release)"
      dotnet build InternalApi.LocalHost -c Release --nologo -v q >&2
    else
      # The memory lines end with the floor: the bare app of bench startup under the same load.
      log "building benchmarks/BareAspNetCore (Release)"
      dotnet build benchmarks/BareAspNetCore -c Release --nologo -v q >&2
      [ -f "$APP_DLL" ] || build_app
      if [ ! -f "$HOST_DLL" ]; then
        log "building InternalApi.LocalHost (Release)"
        dotnet build InternalApi.LocalHost -c Release --nologo -v q >&2
      fi
    fi
    if [ "${2:-}" = scale ]; then
      build_tool # scale generates and imports its instance with the operator tool
    fi
    log "building benchmarks/InternalApi.Bench (Release)"
    dotnet build benchmarks/InternalApi.Bench -c Release --nologo -v q >&2
    port_open "$TABLE_PORT" || { echo "Azurite is not running on 127.0.0.1:$TABLE_PORT: start ./run.sh in another terminal first" >&2; exit 1; }
    shift
    exec dotnet "$BENCH_DLL" "$@"
    ;;
  *) echo "unknown command: $1 (try ./run.sh --help)" >&2; exit 2 ;;
esac

ensure_azurite
build_app

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if port_open "$TABLE_PORT"; then
  log "something already listens on 127.0.0.1:$TABLE_PORT; using it as Azurite"
else
  mkdir -p .azurite
  log "starting Azurite (data in .azurite/, log in .azurite/azurite.log)"
  "$AZURITE_BIN" --disableTelemetry --skipApiVersionCheck --silent --location .azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$BLOB_PORT" --queuePort "$QUEUE_PORT" --tablePort "$TABLE_PORT" > .azurite/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do port_open "$TABLE_PORT" && port_open "$QUEUE_PORT" && port_open "$BLOB_PORT" && break; sleep 0.1; done
  port_open "$TABLE_PORT" || { echo "Azurite did not start; see .azurite/azurite.log" >&2; exit 1; }
fi

if [ -f data/demo.json ]; then
  build_tool # the import is the operator tool's, built as fresh as the app
  # A store written before the spread layout (docs/decisions/0006) is moved into it first; nothing to do otherwise.
  dotnet "$TOOL_DLL" migrate-layout | grep -v " 0 rows moved" || true
  dotnet "$TOOL_DLL" import data/demo.json --if-empty || log "demo data not imported (see above)"
fi

if [ "$MODE" = auto ] && command -v func >/dev/null 2>&1; then
  # Core Tools reads local.settings.json from the project folder; generate it pointing at this Azurite and
  # at the secrets in the repo root (never committed: .gitignore).
  python3 - "$REPO_ROOT" <<'PY'
import json, os, sys
root = sys.argv[1]
settings = json.load(open(os.path.join(root, "local.settings.json.example")))
values = settings["Values"]
values["AzureWebJobsStorage"] = os.environ["AzureWebJobsStorage"]
values["Shell__SecretFile"] = os.path.join(root, ".gitlab_shell_secret")
values["Kas__SecretFile"] = os.path.join(root, ".gitlab_kas_secret")
values["Pages__SecretFile"] = os.path.join(root, ".gitlab_pages_secret")
values["Workhorse__SecretFile"] = os.path.join(root, ".gitlab_workhorse_secret")
values["TwoFactor__OtpEncryptionKeyFile"] = os.path.join(root, ".otp_encryption_keys")
values["GitLab__ErrorTrackingAccessToken"] = os.environ.get("GitLab__ErrorTrackingAccessToken", "")
values["Scim__InstanceSamlEnabled"] = os.environ.get("Scim__InstanceSamlEnabled", "true")
json.dump(settings, open(os.path.join(root, "InternalApi.Functions", "local.settings.json"), "w"), indent=2)
PY
  log "InternalApi under Core Tools on http://127.0.0.1:7071/api (Ctrl-C to stop)"
  (cd InternalApi.Functions && func start --port 7071) &
else
  log "building InternalApi.LocalHost (Release)"
  dotnet build InternalApi.LocalHost -c Release --nologo -v q >&2
  # The worker runs in the app's build folder (as in Azure, the app's folder): point it at the secrets in the repo root.
  export Shell__SecretFile="$REPO_ROOT/.gitlab_shell_secret" Kas__SecretFile="$REPO_ROOT/.gitlab_kas_secret" \
    Pages__SecretFile="$REPO_ROOT/.gitlab_pages_secret" Workhorse__SecretFile="$REPO_ROOT/.gitlab_workhorse_secret"
  export TwoFactor__OtpEncryptionKeyFile="$REPO_ROOT/.otp_encryption_keys"
  log "InternalApi under the local host on http://127.0.0.1:7071/api (Ctrl-C to stop): it launches the worker as its own process"
  dotnet "$HOST_DLL" --LocalHost:ScriptRoot="$APP_OUT" --LocalHost:Urls=http://127.0.0.1:7071 &
fi
pids+=($!)
wait "${pids[-1]}"

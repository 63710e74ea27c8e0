#!/usr/bin/env bash
# Restores, builds and runs every test. The tests start their own Azurite (pinned, in memory, on free
# loopback ports) per test collection and stop it afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
cd "$REPO_ROOT"

ensure_azurite
export AZURITE_BIN

log "restore"
dotnet restore InternalApi.sln --nologo -v q
log "build (Release, warnings are errors)"
dotnet build InternalApi.sln -c Release --no-restore --nologo -v q
log "test"
mkdir -p "$TOOLS_DIR"
set +e
dotnet test InternalApi.sln -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$TOOLS_DIR/test-output.log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line: "N passed, N failed, N skipped".
summary="$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$TOOLS_DIR/test-output.log" | tail -n 1 || true)"
if [ -n "$summary" ]; then
  failed="$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")"
  passed="$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")"
  skipped="$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")"
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"

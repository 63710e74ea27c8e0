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
# The published folder (ReadyToRun, linux-x64) is what Azure runs; tests in Deploy/ check it and run it.
log "publish (Release, linux-x64, ReadyToRun)"
PUBLISH_DIR="$TOOLS_DIR/publish"
rm -rf "$PUBLISH_DIR"
dotnet publish InternalApi.Functions -c Release -r linux-x64 -o "$PUBLISH_DIR" --nologo -v q
export INTERNALAPI_PUBLISH_DIR="$PUBLISH_DIR"
log "test"
mkdir -p "$TOOLS_DIR"
set +e
dotnet test InternalApi.sln -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$TOOLS_DIR/test-output.log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line: "N passed, N failed, N skipped" (from the runner's summary block).
count() { grep -E "^[[:space:]]*$1:[[:space:]]+[0-9]+" "$TOOLS_DIR/test-output.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
# CI keeps only the tail of the output: repeat each failed test (name, message, first stack lines) at the end.
if [[ "$status" -ne 0 ]] && grep -qE '^[[:space:]]*Failed [A-Za-z]' "$TOOLS_DIR/test-output.log"; then
  echo "---- failed tests (repeated from above) ----"
  awk '/^[[:space:]]*Failed [A-Za-z]/ { n = 25 } n > 0 && shown < 80 { print substr($0, 1, 300); n--; shown++ }' "$TOOLS_DIR/test-output.log"
fi
if grep -qE '^Total tests:' "$TOOLS_DIR/test-output.log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"

# Shared by run.sh, test.sh and .ci/run. Sourced, not executed.
# Azurite is pinned here, installed into the repo's ignored .tools/ folder, never globally.
AZURITE_VERSION="3.35.0"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
AZURITE_DIR="$TOOLS_DIR/azurite"
AZURITE_BIN="$AZURITE_DIR/node_modules/.bin/azurite"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_azurite() {
  local installed=""
  if [ -f "$AZURITE_DIR/node_modules/azurite/package.json" ]; then
    installed="$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$AZURITE_DIR/node_modules/azurite/package.json" 2>/dev/null || true)"
  fi
  if [ "$installed" = "$AZURITE_VERSION" ] && [ -x "$AZURITE_BIN" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "npm is required to install Azurite (apt-get install nodejs npm)" >&2; return 1; }
  log "installing azurite@$AZURITE_VERSION into .tools/azurite"
  mkdir -p "$AZURITE_DIR"
  # No lock file is written: the exact version is pinned here.
  (cd "$AZURITE_DIR" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2)
  [ -x "$AZURITE_BIN" ] || { echo "azurite install failed" >&2; return 1; }
}

# Secrets as GitLab creates them: the shell secret is hex text used as raw bytes; the KAS, Pages and Workhorse
# secrets are base64 of exactly 32 random bytes. Created once, mode 0600, never overwritten.
ensure_secrets() {
  local dir="${1:-$REPO_ROOT}"
  (
    umask 077
    if [ ! -s "$dir/.gitlab_shell_secret" ]; then
      head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/.gitlab_shell_secret"
      log "created $dir/.gitlab_shell_secret"
    fi
    if [ ! -s "$dir/.gitlab_kas_secret" ]; then
      head -c 32 /dev/urandom | base64 > "$dir/.gitlab_kas_secret"
      log "created $dir/.gitlab_kas_secret"
    fi
    if [ ! -s "$dir/.gitlab_pages_secret" ]; then
      # The Pages daemon's secret: base64 of exactly 32 random bytes, as GitLab generates it.
      head -c 32 /dev/urandom | base64 > "$dir/.gitlab_pages_secret"
      log "created $dir/.gitlab_pages_secret"
    fi
    if [ ! -s "$dir/.gitlab_workhorse_secret" ]; then
      # As GitLab writes it: base64 of 32 random bytes (Workhorse's JWT on git_audit_event).
      head -c 32 /dev/urandom | base64 | tr -d '\n' > "$dir/.gitlab_workhorse_secret"
      log "created $dir/.gitlab_workhorse_secret"
    fi
    if [ ! -s "$dir/.otp_encryption_keys" ]; then
      # AES-256-GCM key for OTP secrets at rest, as id=base64 (add lines to rotate: docs/shell-extras.md).
      echo "local1=$(head -c 32 /dev/urandom | base64 | tr -d '\n')" > "$dir/.otp_encryption_keys"
      log "created $dir/.otp_encryption_keys"
    fi
    if [ ! -s "$dir/.gitlab_error_tracking_token" ]; then
      head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/.gitlab_error_tracking_token"
      log "created $dir/.gitlab_error_tracking_token"
    fi
  )
}

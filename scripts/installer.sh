#!/usr/bin/env bash
# Dagu installer for Linux and macOS.
#
#   curl -fsSL <releases>/latest/download/installer.sh | bash
#   curl -fsSL .../installer.sh | bash -s -- --version 0.1.0 --install-dir ~/bin --yes
#
# Downloads dagu_<os>_<arch>.tar.gz and SHA256SUMS from
#   $DAGU_INSTALL_BASE_URL/latest/download/<asset>        (default)
#   $DAGU_INSTALL_BASE_URL/download/v<version>/<asset>    (--version V)
# verifies the archive's SHA-256 against SHA256SUMS, and installs the binary as <dir>/dagu.
# Nothing is installed when a download or the checksum fails.
#
# Options:
#   --version V          install version V (with or without a leading "v"); default: latest
#   --install-dir DIR    where `dagu` goes; default ~/.local/bin, or /usr/local/bin as root
#   -y, --yes            never ask (CI); also implied when there is no terminal
#   --service            also set up a service running `dagu start-all`: a systemd unit
#                        (user unit, or a system unit as root) on Linux, a launchd agent on macOS
#   --admin-user NAME    also write an initial admin account (Dagu's builtin auth) into
#                        config.yaml, if there is none yet; the password comes from
#                        --admin-password, $DAGU_ADMIN_PASSWORD, or is generated and printed
#   --admin-password P
#   -h, --help
#
# Environment: DAGU_INSTALL_BASE_URL (a mirror of the releases page), DAGU_INSTALL_DIR,
# DAGU_HOME (where config.yaml goes for --admin-user; default ~/.config/dagu).
#
# Exit codes: 0 installed; 1 failure (download, checksum, extraction, permissions); 2 usage.

set -euo pipefail

# The project's releases page; a mirror is one variable: DAGU_INSTALL_BASE_URL.
# Keep in sync with packaging/release.json (tests/e2e/distribution.test.ts checks it).
DEFAULT_BASE_URL="https://github.com/dagu-ts/dagu/releases"

BASE_URL="${DAGU_INSTALL_BASE_URL:-$DEFAULT_BASE_URL}"
BASE_URL="${BASE_URL%/}"
VERSION=""
INSTALL_DIR="${DAGU_INSTALL_DIR:-}"
YES=0
SERVICE=0
ADMIN_USER=""
ADMIN_PASSWORD="${DAGU_ADMIN_PASSWORD:-}"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'error: %s (see --help)\n' "$*" >&2; exit 2; }

usage() {
  cat <<'EOF'
Usage: installer.sh [--version V] [--install-dir DIR] [--yes] [--service]
                    [--admin-user NAME [--admin-password P]]

Installs dagu for this OS and CPU from $DAGU_INSTALL_BASE_URL (default: the project's
releases page), after checking the archive against SHA256SUMS.

  --version V          install version V (default: latest)
  --install-dir DIR    default ~/.local/bin, or /usr/local/bin as root ($DAGU_INSTALL_DIR)
  -y, --yes            never ask (implied without a terminal or with CI set)
  --service            also set up a systemd unit (Linux) or launchd agent (macOS)
  --admin-user NAME    also write an initial admin account into config.yaml
  --admin-password P   its password ($DAGU_ADMIN_PASSWORD; default: generated, printed)
EOF
}

need_value() { if [ "$#" -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --version) need_value "$@"; VERSION="$2"; shift 2 ;;
    --version=*) VERSION="${1#*=}"; shift ;;
    --install-dir | --prefix) need_value "$@"; INSTALL_DIR="$2"; shift 2 ;;
    --install-dir=* | --prefix=*) INSTALL_DIR="${1#*=}"; shift ;;
    -y | --yes) YES=1; shift ;;
    --service) SERVICE=1; shift ;;
    --admin-user) need_value "$@"; ADMIN_USER="$2"; shift 2 ;;
    --admin-user=*) ADMIN_USER="${1#*=}"; shift ;;
    --admin-password) need_value "$@"; ADMIN_PASSWORD="$2"; shift 2 ;;
    --admin-password=*) ADMIN_PASSWORD="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown option: $1" ;;
  esac
done

VERSION="${VERSION#v}"
case "$VERSION" in
  "" | [0-9]*) ;;
  *) usage_error "--version: expected a version such as 1.2.3, got '$VERSION'" ;;
esac

# --- platform ---------------------------------------------------------------------------
case "$(uname -s)" in
  Linux) OS=linux ;;
  Darwin) OS=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT) die "on Windows use scripts/installer.ps1 (PowerShell)" ;;
  *) die "unsupported operating system: $(uname -s) (release builds: Linux, macOS, Windows)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) die "unsupported CPU architecture: $(uname -m) (release builds: x86_64, arm64)" ;;
esac
# An x86_64 shell under Rosetta on Apple silicon: install the native build.
if [ "$OS" = darwin ] && [ "$ARCH" = amd64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
  ARCH=arm64
fi
ASSET="dagu_${OS}_${ARCH}.tar.gz"

if [ -z "$INSTALL_DIR" ]; then
  if [ "$(id -u)" = 0 ]; then INSTALL_DIR=/usr/local/bin; else INSTALL_DIR="${HOME:?HOME is not set; pass --install-dir}/.local/bin"; fi
fi
case "$INSTALL_DIR" in "~"/*) INSTALL_DIR="${HOME}/${INSTALL_DIR#"~/"}" ;; esac

if [ -n "$VERSION" ]; then
  DOWNLOAD_BASE="$BASE_URL/download/v$VERSION"
else
  DOWNLOAD_BASE="$BASE_URL/latest/download"
fi

# --- tools ------------------------------------------------------------------------------
if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  die "curl or wget is needed to download dagu"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256_of() { sha256sum "$1" | awk '{print $1}'; }
elif command -v shasum >/dev/null 2>&1; then
  sha256_of() { shasum -a 256 "$1" | awk '{print $1}'; }
elif command -v openssl >/dev/null 2>&1; then
  sha256_of() { openssl dgst -sha256 -r "$1" | awk '{print $1}'; }
else
  die "sha256sum, shasum or openssl is needed to verify the download"
fi
command -v tar >/dev/null 2>&1 || die "tar is needed to unpack the download"

# --- confirm ----------------------------------------------------------------------------
# Interactive only with a terminal and without --yes; `curl | bash` reads answers from /dev/tty.
if [ "$YES" = 0 ] && [ -z "${CI:-}" ] && { exec 3</dev/tty; } 2>/dev/null; then
  printf 'Install dagu %s (%s/%s) into %s? [Y/n] ' "${VERSION:-latest}" "$OS" "$ARCH" "$INSTALL_DIR"
  answer=""
  read -r answer <&3 || true
  exec 3<&-
  case "$answer" in "" | [Yy]*) ;; *) say "Cancelled; nothing installed."; exit 1 ;; esac
fi

# --- download and verify ----------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dagu-install.XXXXXX")" || die "cannot create a temporary folder"
trap 'rm -rf "$WORK"' EXIT

say "Downloading $DOWNLOAD_BASE/$ASSET"
fetch "$DOWNLOAD_BASE/$ASSET" "$WORK/$ASSET" || die "download failed: $DOWNLOAD_BASE/$ASSET"
fetch "$DOWNLOAD_BASE/SHA256SUMS" "$WORK/SHA256SUMS" || die "download failed: $DOWNLOAD_BASE/SHA256SUMS"

expected="$(awk -v f="$ASSET" '$2 == f || $2 == "*" f {print $1; exit}' "$WORK/SHA256SUMS")"
[ -n "$expected" ] || die "SHA256SUMS has no entry for $ASSET"
actual="$(sha256_of "$WORK/$ASSET")"
if [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $ASSET: expected $expected, got $actual; nothing installed"
fi
say "Checksum OK ($actual)"

mkdir "$WORK/unpacked"
tar -xzf "$WORK/$ASSET" -C "$WORK/unpacked" dagu || die "cannot unpack $ASSET"
[ -f "$WORK/unpacked/dagu" ] || die "$ASSET does not contain dagu"
chmod 755 "$WORK/unpacked/dagu"

# --- install ----------------------------------------------------------------------------
mkdir -p "$INSTALL_DIR" 2>/dev/null || die "cannot create $INSTALL_DIR (choose another with --install-dir, or run as root)"
[ -w "$INSTALL_DIR" ] || die "$INSTALL_DIR is not writable (choose another with --install-dir, or run with sudo)"
TARGET="$INSTALL_DIR/dagu"
# Copy next to the target, then rename: atomic, and safe while an old dagu is running.
cp "$WORK/unpacked/dagu" "$INSTALL_DIR/.dagu.install.$$" || die "cannot write into $INSTALL_DIR"
mv -f "$INSTALL_DIR/.dagu.install.$$" "$TARGET" || { rm -f "$INSTALL_DIR/.dagu.install.$$"; die "cannot replace $TARGET"; }
# macOS: the download may carry a quarantine flag; the binary is ad-hoc signed by the build.
if [ "$OS" = darwin ]; then xattr -d com.apple.quarantine "$TARGET" 2>/dev/null || true; fi

installed_version="$("$TARGET" version 2>/dev/null | head -n 1 || true)"
say "Installed dagu ${installed_version:-?} to $TARGET"

# --- optional: initial admin account ----------------------------------------------------
if [ -n "$ADMIN_USER" ]; then
  config_dir="${DAGU_HOME:-${XDG_CONFIG_HOME:-$HOME/.config}/dagu}"
  config_file="$config_dir/config.yaml"
  case "$ADMIN_USER" in *[!A-Za-z0-9._@-]*) die "--admin-user: use letters, digits and . _ @ - only" ;; esac
  if [ -e "$config_file" ]; then
    warn "$config_file exists; admin account not written (add auth.builtin.defaultAdmin yourself)"
  else
    generated=0
    if [ -z "$ADMIN_PASSWORD" ]; then
      ADMIN_PASSWORD="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
      generated=1
    fi
    secret="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
    esc_password="$(printf '%s' "$ADMIN_PASSWORD" | sed "s/'/''/g")"
    mkdir -p "$config_dir"
    (
      umask 077
      cat >"$config_file" <<EOF
# Written by the Dagu installer (--admin-user). Dagu's builtin authentication.
auth:
  mode: builtin
  builtin:
    defaultAdmin:
      username: '$ADMIN_USER'
      password: '$esc_password'
    token:
      secret: '$secret'
EOF
    )
    say "Admin account '$ADMIN_USER' written to $config_file (mode 600)"
    if [ "$generated" = 1 ]; then say "  generated password: $ADMIN_PASSWORD"; fi
  fi
fi

# --- optional: service ------------------------------------------------------------------
if [ "$SERVICE" = 1 ]; then
  if [ "$OS" = linux ]; then
    if [ "$(id -u)" = 0 ]; then
      unit_dir=/etc/systemd/system
      systemctl_cmd=(systemctl)
      wanted_by=multi-user.target
    else
      unit_dir="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
      systemctl_cmd=(systemctl --user)
      wanted_by=default.target
    fi
    mkdir -p "$unit_dir"
    cat >"$unit_dir/dagu.service" <<EOF
[Unit]
Description=Dagu (scheduler and web UI)
After=network-online.target

[Service]
ExecStart=$TARGET start-all
Restart=on-failure
RestartSec=5
${DAGU_HOME:+Environment=DAGU_HOME=$DAGU_HOME}

[Install]
WantedBy=$wanted_by
EOF
    say "Service unit written to $unit_dir/dagu.service"
    if command -v systemctl >/dev/null 2>&1 && "${systemctl_cmd[@]}" daemon-reload 2>/dev/null \
      && "${systemctl_cmd[@]}" enable --now dagu.service 2>/dev/null; then
      say "Service enabled and started: ${systemctl_cmd[*]} status dagu"
    else
      warn "could not enable the service here; run: ${systemctl_cmd[*]} daemon-reload && ${systemctl_cmd[*]} enable --now dagu"
    fi
  else
    agent_dir="$HOME/Library/LaunchAgents"
    plist="$agent_dir/org.dagu.dagu.plist"
    mkdir -p "$agent_dir" "$HOME/Library/Logs"
    cat >"$plist" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>org.dagu.dagu</string>
  <key>ProgramArguments</key><array><string>$TARGET</string><string>start-all</string></array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
  <key>StandardOutPath</key><string>$HOME/Library/Logs/dagu.log</string>
  <key>StandardErrorPath</key><string>$HOME/Library/Logs/dagu.log</string>
</dict>
</plist>
EOF
    say "Launch agent written to $plist"
    if launchctl load -w "$plist" 2>/dev/null; then
      say "Launch agent loaded: launchctl list | grep org.dagu.dagu"
    else
      warn "could not load the launch agent; run: launchctl load -w $plist"
    fi
  fi
fi

# --- next steps -------------------------------------------------------------------------
say ""
case ":${PATH}:" in
  *":$INSTALL_DIR:"*) dagu_cmd=dagu ;;
  *)
    dagu_cmd="$TARGET"
    say "$INSTALL_DIR is not on your PATH. Add it, e.g. in ~/.bashrc or ~/.zshrc:"
    say "  export PATH=\"$INSTALL_DIR:\$PATH\""
    say ""
    ;;
esac
say "Next:"
say "  $dagu_cmd version"
say "  $dagu_cmd start my-dag.yaml     # run a DAG file in the foreground; exit 1 if it fails"
say "  $dagu_cmd --help"

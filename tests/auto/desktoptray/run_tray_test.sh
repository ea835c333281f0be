#!/usr/bin/env bash
# Runs a test binary on a private X server with a system tray (qt64-notes.md §5):
# Xvfb picks a free display itself (-displayfd), trayer provides the XEmbed tray, and the
# test starts once trayer's panel window exists (checked with xwininfo when x11-utils is
# installed; the test itself also waits until Qt sees the tray).
#   run_tray_test.sh <test binary> [test arguments...]
# Exit 77 (ctest: skipped) when a host program is missing, unless CI=true: then exit 1.
set -euo pipefail

test_binary="$1"
shift

missing=()
for tool in Xvfb trayer; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: ${missing[*]} not installed; CI must run the tray test (apt-get install xvfb trayer)" >&2
    exit 1
  fi
  echo "SKIP: ${missing[*]} not installed (apt-get install xvfb trayer)"
  exit 77
fi

scratch="$(mktemp -d)"
xvfb_pid=""
trayer_pid=""
cleanup() {
  # Only the processes this script started, by their ids.
  [ -n "$trayer_pid" ] && kill "$trayer_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# -displayfd: Xvfb chooses a free display number and writes it once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$scratch/display" 2>"$scratch/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 200); do
  [ -s "$scratch/display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { echo "FAIL: Xvfb exited:" >&2; cat "$scratch/xvfb.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$scratch/display" ] || { echo "FAIL: Xvfb did not report a display within 20 s" >&2; exit 1; }
export DISPLAY=":$(tr -d '[:space:]' <"$scratch/display")"

trayer --edge top --align right --widthtype request --height 24 >"$scratch/trayer.log" 2>&1 &
trayer_pid=$!
if command -v xwininfo >/dev/null 2>&1; then
  for _ in $(seq 200); do
    xwininfo -root -tree 2>/dev/null | grep -q '("panel" "trayer")' && break
    kill -0 "$trayer_pid" 2>/dev/null || { echo "FAIL: trayer exited:" >&2; cat "$scratch/trayer.log" >&2; exit 1; }
    sleep 0.1
  done
  xwininfo -root -tree | grep -q '("panel" "trayer")' || { echo "FAIL: trayer's panel did not appear within 20 s" >&2; exit 1; }
fi
kill -0 "$trayer_pid" 2>/dev/null || { echo "FAIL: trayer exited:" >&2; cat "$scratch/trayer.log" >&2; exit 1; }

export QT_QPA_PLATFORM=xcb
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# No session bus: Qt then uses the XEmbed tray (trayer), not a StatusNotifier host.
unset DBUS_SESSION_BUS_ADDRESS

status=0
"$test_binary" "$@" || status=$?
exit "$status"

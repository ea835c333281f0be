#!/usr/bin/env bash
# Runs a test binary against a real Secret Service (qt64-notes.md §4): a private D-Bus
# session bus, gnome-keyring-daemon with its "login" keyring created and unlocked from a
# throwaway password, all in a throwaway HOME that is deleted afterwards.
#   run_keychain_test.sh <test binary> [test arguments...]
# Exit 77 (ctest: skipped) when a host program is missing, unless CI=true: then exit 1.
set -euo pipefail

test_binary="$1"
shift

missing=()
for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: ${missing[*]} not installed; CI must run the keychain test (apt-get install dbus gnome-keyring libsecret-tools)" >&2
    exit 1
  fi
  echo "SKIP: ${missing[*]} not installed (apt-get install dbus gnome-keyring libsecret-tools)"
  exit 77
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS

# Inside the session: unlock (creating) the login keyring, wait until the Secret Service
# name is on the bus, then become the test.
exec dbus-run-session -- bash -c '
  set -euo pipefail
  printf %s "ci-keyring-pass" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
         org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      exec "$@"
    fi
    sleep 0.1
  done
  echo "FAIL: gnome-keyring-daemon did not take org.freedesktop.secrets on the session bus within 10 s" >&2
  exit 1
' keychain-session "$test_binary" "$@"

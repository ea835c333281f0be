#!/usr/bin/env bash
# The wrappers' rule for missing host programs: exit 77 (ctest: skipped) on a developer
# machine, exit 1 (failed) when CI=true. Runs both wrappers with an empty PATH.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash_bin="$(command -v bash)"
empty="$(mktemp -d)"
trap 'rmdir "$empty"' EXIT
failures=0
for wrapper in "$here/run_tray_test.sh" "$here/../desktopkeychain/run_keychain_test.sh"; do
  PATH="$empty" CI= "$bash_bin" "$wrapper" /bin/true >/dev/null 2>&1
  local_status=$?
  if [ "$local_status" -ne 77 ]; then
    echo "FAIL: $(basename "$wrapper") without host programs, CI unset: exit $local_status, want 77"
    failures=$((failures + 1))
  fi
  PATH="$empty" CI=true "$bash_bin" "$wrapper" /bin/true >/dev/null 2>&1
  ci_status=$?
  if [ "$ci_status" -ne 1 ]; then
    echo "FAIL: $(basename "$wrapper") without host programs, CI=true: exit $ci_status, want 1"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && echo "PASS: missing host programs skip locally (77) and fail in CI (1)"
exit "$failures"

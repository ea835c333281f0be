#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root, or with sudo available):
#   tools/dev.sh demo   install packages, build, run the exporter on a simulated registry
#   tools/dev.sh test   install packages, build, run every test through ctest
#   tools/dev.sh build  install packages and build only
#   tools/dev.sh bench  install packages, build, run the benchmark (bench/README.md)
# Idempotent: packages already installed are not fetched again, the build is incremental.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ECR_BUILD_DIR:-$here/build}"
mode="${1:-}"

# Build and run dependencies (Qt 6.4 from Debian 12), then test-time hosts and tools.
packages=(
  g++ make cmake ninja-build pkg-config
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev zlib1g-dev libssl3 ca-certificates
  qt6-declarative-dev qml6-module-qtqml qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
  qml6-module-qtquick-layouts qml6-module-qtquick-window qml6-module-qttest
  qtkeychain-qt6-dev libsecret-1-0
  xvfb xauth libgl1-mesa-dri fonts-dejavu-core trayer
  dbus gnome-keyring libsecret-tools
  curl wrk prometheus python3 python3-boto3 python3-botocore
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing ${#missing[@]} Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" ${ECR_CMAKE_ARGS:-}
  cmake --build "$build" -j"$(nproc)"
}

case "$mode" in
  demo)
    install_packages
    configure_and_build
    echo "== ecr_exporter --demo: open http://127.0.0.1:9000/metrics (Ctrl+C stops)"
    exec "$build/src/exporter/ecr_exporter" --demo --log.format=text "${@:2}"
    ;;
  test)
    install_packages
    configure_and_build
    # XDG_RUNTIME_DIR silences Qt's warning; tests that need a Secret Service or an X
    # server start their own (dbus-run-session, Xvfb) from their ctest wrappers.
    export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
    chmod 700 "$XDG_RUNTIME_DIR"
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
    ;;
  bench)
    install_packages
    configure_and_build
    exec "$build/bench/ecr_bench" "${@:2}"
    ;;
  build)
    install_packages
    configure_and_build
    ;;
  *)
    echo "usage: tools/dev.sh demo|test|build|bench" >&2
    exit 2
    ;;
esac

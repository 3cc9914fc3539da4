#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages e-Vize needs, only those missing.
#   scripts/system-deps.sh run   – what `make run` needs (gettext, Node.js/npm, python3-venv, fonts)
#   scripts/system-deps.sh test  – plus what the tests need (Chromium, Poppler, SoftHSM2, OpenSC, NSS tools, zbar)
set -euo pipefail
profile="${1:-run}"

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
want() { # want <check-kind> <check> <package>
  case "$1" in
    cmd) have_cmd "$2" || need+=("$3") ;;
    file) [ -e "$2" ] || need+=("$3") ;;
  esac
}

want cmd msgfmt gettext
want cmd node nodejs
want cmd npm npm
want file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=("python3-venv")

if [ "$profile" = "test" ]; then
  want file /usr/bin/chromium chromium
  want cmd pdfsig poppler-utils
  want cmd pdftoppm poppler-utils
  want cmd softhsm2-util softhsm2
  want cmd certutil libnss3-tools
  want cmd pkcs11-tool opensc
  want cmd zbarimg zbar-tools
  want cmd pg_isready postgresql-client
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
# de-duplicate
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "system-deps: installing ${need[*]}"
if ! have_cmd apt-get; then
  echo "system-deps: apt-get not found; please install: ${need[*]}" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if have_cmd sudo; then SUDO="sudo"; else
    echo "system-deps: not root and no sudo; please install: ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"

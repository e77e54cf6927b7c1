#!/usr/bin/env bash
# Installs the software of the SOC lab from Debian (bookworm) packages, idempotently:
#   nginx-light, rsyslog, crowdsec + crowdsec-custom-bouncer, nftables, iproute2,
#   and, optionally, suricata (the IDS of the alerts feed).
# Needs root (or sudo). Leaves no daemon of these packages enabled or running on the host:
# the lab starts its own copies, in a network namespace, from meshroom hooks.
#
# Debian 12 ships Suricata in bookworm-backports only: when no configured source has it, this
# script adds that suite (from deb.debian.org, signed by Debian's archive key, at apt's default
# backports priority, so nothing else is upgraded from it) and installs suricata from there.
# Suricata is optional: if it cannot be installed, the lab works without its IDS (a warning says so).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

PACKAGES=(nginx-light rsyslog crowdsec crowdsec-custom-bouncer nftables iproute2)
# The services each package would enable and start on the host.
declare -A SERVICES_OF=(
  [nginx-light]="nginx" [rsyslog]="rsyslog" [crowdsec]="crowdsec"
  [crowdsec-custom-bouncer]="crowdsec-custom-bouncer" [nftables]="nftables" [iproute2]=""
  [suricata]="suricata"
)
BACKPORTS_SOURCES=/etc/apt/sources.list.d/meshroom-soc-lab-backports.sources
# The services this script installed (and so must keep stopped and disabled), across runs.
STATE_DIR=/var/lib/meshroom-soc-lab
OURS="$STATE_DIR/services"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for pkg in "${PACKAGES[@]}"; do installed "$pkg" || missing+=("$pkg"); done
want_suricata=0
installed suricata || want_suricata=1

if [ ${#missing[@]} -gt 0 ] || [ "$want_suricata" = 1 ]; then
  # crowdsec's post-install registers to the online Central API unless this file already has
  # content: a non-empty file keeps the install offline (the lab never talks to the CAPI, and
  # the lab's own config has no `online_client`).
  $SUDO mkdir -p /etc/crowdsec
  if [ ! -s /etc/crowdsec/online_api_credentials.yaml ]; then
    printf '%s\n' "# meshroom SOC lab: no Central API registration (offline install)" \
      | $SUDO tee /etc/crowdsec/online_api_credentials.yaml >/dev/null
  fi

  # Keep the packages' daemons from starting during the install, unless a policy already says so
  # (Docker images ship one that refuses every start). Ours is removed again on exit.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# added by meshroom examples/soc-lab/install.sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  cleanup() { if [ "$policy_added" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
  trap cleanup EXIT

  # Services of packages that were already there belong to the host's admin: left alone.
  $SUDO mkdir -p "$STATE_DIR"
  for pkg in "${missing[@]}" $([ "$want_suricata" = 1 ] && echo suricata); do
    for svc in ${SERVICES_OF[$pkg]}; do echo "$svc" | $SUDO tee -a "$OURS" >/dev/null; done
  done

  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi

  if [ "$want_suricata" = 1 ]; then
    suricata_from=()
    if ! apt-cache policy suricata 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
      if [ "$codename" = bookworm ] && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        echo "adding bookworm-backports ($BACKPORTS_SOURCES) for suricata"
        printf '%s\n' "# added by meshroom examples/soc-lab/install.sh: Suricata for Debian 12 comes from backports" \
          "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: bookworm-backports" "Components: main" \
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" | $SUDO tee "$BACKPORTS_SOURCES" >/dev/null
        $SUDO apt-get update -qq || true
        suricata_from=(-t bookworm-backports)
      fi
    fi
    echo "installing (optional): suricata ${suricata_from[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${suricata_from[@]}" suricata \
      || echo "install.sh: WARNING: suricata could not be installed; the lab runs without its IDS (alerts feed)" >&2
  fi
fi

# Whatever the packages we installed started or enabled: stopped and disabled, every run.
if [ -f "$OURS" ]; then
  for svc in $(sort -u "$OURS"); do
    if command -v systemctl >/dev/null 2>&1; then
      # `disable` works without a running systemd (it removes the unit's symlinks)
      if [ -d /run/systemd/system ]; then $SUDO systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
      else $SUDO systemctl disable "$svc.service" >/dev/null 2>&1 || true; fi
    fi
    if [ ! -d /run/systemd/system ] && [ -x "/etc/init.d/$svc" ]; then
      $SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
  done
fi

# Check what the lab needs is really there.
for bin in nginx rsyslogd crowdsec cscli crowdsec-custom-bouncer nft ip; do
  command -v "$bin" >/dev/null 2>&1 || { echo "install.sh: $bin is missing after the install" >&2; exit 1; }
done
for dir in /etc/crowdsec/collections /etc/crowdsec/parsers /etc/crowdsec/scenarios; do
  [ -d "$dir" ] || { echo "install.sh: $dir is missing: crowdsec's hub was not set up (see /usr/share/doc/crowdsec/README.Debian)" >&2; exit 1; }
done
if command -v suricata >/dev/null 2>&1; then ids="suricata $(suricata -V 2>/dev/null | sed -n 's/.*version \([^ ]*\).*/\1/p')"; else ids="no suricata (optional)"; fi
echo "SOC lab software ready: nginx $(nginx -v 2>&1 | sed 's/.*\///'), rsyslog $(rsyslogd -v | head -1 | awk '{print $2}' | tr -d ,), crowdsec $(crowdsec -version 2>&1 | sed -n 's/.*version: *//p' | head -1), nft $(nft --version | awk '{print $2}'), $ids"

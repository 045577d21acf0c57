#!/usr/bin/env bash
# Debian packages the tests (chromium; nginx for the shipped nginx configuration; Orthanc with
# its DICOMweb plugin and WSI Dicomizer as the test PACS) or the benchmark (libvips, nginx, wrk)
# need. The orthanc package's own service is never used: the tests start their own process.
# Installs only what is missing, so it is quick when everything is there.
set -euo pipefail
case "${1:-test}" in
  test) packages=(chromium chromium-driver nginx orthanc orthanc-dicomweb orthanc-wsi) ;;
  bench) packages=(chromium libvips-tools nginx wrk orthanc orthanc-dicomweb) ;;
  *) echo "usage: $0 test|bench" >&2; exit 2 ;;
esac
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/bin/sh
# Debian's Chromium and a CJK font for the browser tests and PDFs (never `playwright install`).
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || need="$need fonts-noto-cjk"
if [ -n "$need" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
/usr/bin/chromium --version

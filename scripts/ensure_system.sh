#!/bin/sh
# System libraries the app needs beside its Python packages: Pango for WeasyPrint's PDFs and a
# CJK font (without one, Chinese in PDFs silently becomes empty boxes).
need=""
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need="$need libpango-1.0-0 libpangoft2-1.0-0"
fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || need="$need fonts-noto-cjk"
command -v fc-list >/dev/null 2>&1 || need="$need fontconfig"
# The tests read the PDFs back (fonts embedded, text, pages as PNG) with poppler's tools.
command -v pdffonts >/dev/null 2>&1 || need="$need poppler-utils"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing:$need"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "Please install:$need (PDF reports need them)" >&2
  fi
fi
exit 0

#!/bin/sh
# What `make bench` needs beside the app: wrk, the load generator of the checkpoint benchmark
# (an event-loop C client, so the 2 shared cores go to the server, not to the client).
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing: wrk"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "Please install wrk (the checkpoint benchmark's load generator)" >&2
  exit 1
fi

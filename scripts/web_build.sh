#!/usr/bin/env bash
# Builds the web console (web/ -> web/dist) when its sources changed: installs Node.js and npm
# from Debian if they are missing, the console's npm packages from package-lock.json, then
# bundles with esbuild. Quiet when there is nothing to do.
set -euo pipefail
web=$(cd "$(dirname "$0")/../web" && pwd)
if ! command -v npm > /dev/null; then
  echo "web: installing nodejs and npm"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm > /dev/null
fi
cd "$web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error > npm-ci.log 2>&1 || { cat npm-ci.log; exit 1; }
  rm -f npm-ci.log
fi
if [ ! -f dist/app.js ] || [ -n "$(find src build.mjs package-lock.json -newer dist/app.js -print -quit)" ]; then
  node build.mjs
fi

#!/usr/bin/env bash
# Sets up and runs the local host: Azurite (started if needed), the API on http://127.0.0.1:7071, timers and queue workers.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project functions/NumberTrust.Local -c Release -- --Local:Demo=true "$@"

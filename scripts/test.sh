#!/usr/bin/env bash
# Sets up and runs every test project. Prints one closing line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "== npm ci (Azurite, pinned in package.json)"
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

echo "== Build (warnings are errors)"
if ! dotnet build NumberTrust.Functions.sln -c Release --nologo -v quiet; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

echo "== Test"
log=$(mktemp)
# The console logger at minimal verbosity names each failed test with its message and stack trace.
dotnet test NumberTrust.Functions.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summary lines ("Passed!  - Failed: 0, Passed: 62, Skipped: 0, Total: 62, ...").
read -r passed failed skipped projects < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) + 0 }
      if ($i == "Passed:")  { p += $(i+1) + 0 }
      if ($i == "Skipped:") { s += $(i+1) + 0 }
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")
rm -f "$log"

expected=$(ls tests/*/*.csproj | grep -vc Benchmarks || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a test host crashed or a project did not run: never report green
fi
if [ "$projects" -lt "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
  status=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"

#!/bin/sh
# azd prepackage/predeploy hook: stop unless build/worker-probe.sh reports that the real
# Azure Functions worker packages are used. Where they cannot be restored the build falls
# back to a compile-only stand-in, which must never be deployed. Fails closed: a missing
# probe, a failing probe or output this script cannot read all stop the deploy.
# NT_WORKER_PROBE overrides the probe path (the infra tests use it).
set -u

cd "$(dirname "$0")/../.." || exit 1
probe="${NT_WORKER_PROBE:-build/worker-probe.sh}"

refuse() {
  echo "require-real-worker: $1" >&2
  echo "require-real-worker: refusing to package or deploy; see docs/deploy.md (Real worker packages)." >&2
  exit 1
}

[ -f "$probe" ] || refuse "$probe not found, so nothing shows that the real Azure Functions worker packages would be used."

if [ -x "$probe" ]; then
  output=$("$probe" 2>&1)
else
  output=$(sh "$probe" 2>&1)
fi
status=$?
printf '%s\n' "$output"

[ "$status" -eq 0 ] || refuse "$probe failed (exit code $status)."

verdict=$(printf '%s' "$output" | tr '[:upper:]' '[:lower:]')
case "$verdict" in
  *stand-in* | *standin* | *stub* | *"not restorable"* | *unrestorable* | *unavailable* | *false*)
    refuse "$probe reports that the compile-only stand-in would be used." ;;
esac
case "$verdict" in
  *real*)
    echo "require-real-worker: the real Azure Functions worker packages will be deployed."
    exit 0 ;;
esac
refuse "could not tell from the output of $probe whether the real worker packages are used."

#!/usr/bin/env bash
# Probes whether this machine's NuGet sources serve the real Azure Functions worker packages, caches the
# answer in build/worker-probe/result.props (read by build/FunctionsWorker.props) and prints one line:
#   Functions worker: real packages (...)
#   Functions worker: compile-only stand-in (real packages not restorable: <first NU error>)
# An explicit FunctionsWorkerMode=Real|StandIn in the environment wins and is reported without probing.
# Extra arguments go to MSBuild (e.g. -p:FunctionsWorkerProbeResultFile=/tmp/result.props).
set -euo pipefail
shopt -s nocasematch

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "${FunctionsWorkerMode:-}" in
  "") ;;
  real) echo "Functions worker: real packages (forced by FunctionsWorkerMode=${FunctionsWorkerMode})"; exit 0 ;;
  standin) echo "Functions worker: compile-only stand-in (forced by FunctionsWorkerMode=${FunctionsWorkerMode})"; exit 0 ;;
  *) echo "FunctionsWorkerMode is '${FunctionsWorkerMode}'; use Real or StandIn, or unset it." >&2; exit 2 ;;
esac

# -getProperty after an explicit target prints the value the target left, and nothing else on success.
dotnet msbuild "$repo_root/build/worker-probe/Probe.proj" -nologo -tl:off -verbosity:quiet -nodeReuse:false \
  -target:FunctionsWorkerProbe -getProperty:FunctionsWorkerProbeLine "$@"

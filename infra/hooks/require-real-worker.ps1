# azd prepackage/predeploy hook (Windows): stop unless the worker probe reports that the real
# Azure Functions worker packages are used; the compile-only stand-in must never be deployed.
# Same rules as require-real-worker.sh. Runs build/worker-probe.ps1 when it exists, otherwise
# build/worker-probe.sh through bash (Git Bash). Fails closed.
# NT_WORKER_PROBE overrides the probe path.

function Stop-Deploy([string] $reason) {
    [Console]::Error.WriteLine("require-real-worker: $reason")
    [Console]::Error.WriteLine('require-real-worker: refusing to package or deploy; see docs/deploy.md (Real worker packages).')
    exit 1
}

Set-Location (Join-Path $PSScriptRoot '../..')
$probe = if ($env:NT_WORKER_PROBE) { $env:NT_WORKER_PROBE } else { 'build/worker-probe.sh' }
$psProbe = [System.IO.Path]::ChangeExtension($probe, '.ps1')

if (Test-Path -LiteralPath $psProbe -PathType Leaf) {
    $output = & pwsh -NoProfile -File $psProbe 2>&1 | Out-String
    $status = $LASTEXITCODE
}
elseif (Test-Path -LiteralPath $probe -PathType Leaf) {
    $bash = Get-Command bash -ErrorAction SilentlyContinue
    if (-not $bash) {
        Stop-Deploy "bash is needed to run $probe (install Git for Windows, or run azd from WSL)."
    }
    $output = & $bash.Source $probe 2>&1 | Out-String
    $status = $LASTEXITCODE
}
else {
    Stop-Deploy "$probe not found, so nothing shows that the real Azure Functions worker packages would be used."
}

Write-Output $output
if ($status -ne 0) {
    Stop-Deploy "$probe failed (exit code $status)."
}

$verdict = $output.ToLowerInvariant()
if ($verdict -match 'stand-in|standin|stub|not restorable|unrestorable|unavailable|false') {
    Stop-Deploy "$probe reports that the compile-only stand-in would be used."
}
if ($verdict -match 'real') {
    Write-Output 'require-real-worker: the real Azure Functions worker packages will be deployed.'
    exit 0
}
Stop-Deploy "could not tell from the output of $probe whether the real worker packages are used."

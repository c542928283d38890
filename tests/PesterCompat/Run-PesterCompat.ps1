# Runs Pester 5 test files with PesterCompat: PSIpc.Host -File tests/PesterCompat/Run-PesterCompat.ps1 -Path <files> [-ResultFile <file>]
# Exit code: 0 when every test passed (skips allowed), 1 when any failed, 2 when no test ran.
param(
    [Parameter(Mandatory)][string[]]$Path,
    [string]$ResultFile
)
. ([System.IO.Path]::Combine($PSScriptRoot, 'PesterCompat.ps1'))
$summary = Invoke-PesterCompat -Path $Path -ResultFile $ResultFile
if ($summary.Failed -gt 0) { exit 1 }
if ($summary.Passed + $summary.Skipped -eq 0) { exit 2 }
exit 0

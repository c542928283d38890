# The statement-cost rows of the benchmark (tests/bench/run): what one PSIpc statement costs in a warm pwsh, next to a
# built-in cmdlet of the same binding shape (named or positional parameters, a typed first argument, an enum) in the
# same process. Each statement runs in a compiled loop of -Count iterations, 5 times after a warm-up; the best round counts.
# Sends go into a ring large enough never to fill within a round, drained between rounds, so no statement waits.
# Prints one line per shape: <shape> TAB <PSIpc statement> TAB <ns> TAB <built-in statement> TAB <ns>
#   tools/pwsh -NoProfile -File tests/bench/StatementCost.ps1 [-Count 10000]
param([int]$Count = 10000)

$ErrorActionPreference = 'Stop'
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'PSIpc.psd1'))
$name = "/psipc-bench-stmt-$PID"
$r = New-IpcRing $name -Capacity ([Math]::Max(1024, 2 * $Count)) -MessageSize 64
$w = Connect-IpcRing $name
$x = 'x'

function Measure-Statement([string]$Statement) {
    $loop = [scriptblock]::Create("param(`$n) for (`$i = 0; `$i -lt `$n; `$i++) { $Statement }")
    $best = [double]::MaxValue
    foreach ($round in 0..5) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        & $loop $Count
        $ns = $watch.Elapsed.TotalMilliseconds * 1e6 / $Count
        $null = Receive-IpcMessage $r -NoWait -Count ([int]::MaxValue)
        if ($round -gt 0) { $best = [Math]::Min($best, $ns) } # round 0 warms up
    }
    $best
}

$shapes = @(
    , @('named: channel, body, enum', 'Send-IpcMessage -Channel $w -InputObject $x -Encoding Text', '$null = Select-Object -InputObject $x -Property Length -First 1')
    , @('positional: channel, body; named enum', 'Send-IpcMessage $w $x -Encoding Text', '$null = Join-Path $x $x -Resolve:$false')
    , @('one positional, one switch', '$null = Receive-IpcMessage $r -NoWait', '$null = Write-Output $x -NoEnumerate')
    , @('one named value', '$null = Get-Signal -Name 15', '$null = Get-Variable -Name x')
)
try {
    foreach ($s in $shapes) {
        $ours = Measure-Statement $s[1]
        $builtin = Measure-Statement $s[2]
        [string]::Format([cultureinfo]::InvariantCulture, "{0}`t{1}`t{2:F0}`t{3}`t{4:F0}", $s[0], $s[1], $ours, $s[2], $builtin)
    }
}
finally {
    $w.Dispose()
    $r | Remove-IpcRing -Confirm:$false
}

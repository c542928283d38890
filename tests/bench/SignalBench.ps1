# Signal benchmark: signals handled per second with an acknowledgment each, a C sigaction handler against the module
# (a peer PowerShell with Register-SignalHandler -Action acknowledging with Send-Signal; this session sending with
# Send-Signal and waiting with Wait-Signal). One run, printed as a ratio.
#   dotnet build -c Release && src/PSIpc.Host/bin/Release/net10.0/PSIpc.Host -NoProfile -File tests/bench/SignalBench.ps1
# Not part of dotnet test.
param([int]$CCount = 20000, [int]$Count = 500)

. $PSScriptRoot/BenchCommon.ps1
$cExe = Build-BenchProgram 'signal_bench.c'

$c = $CCount / (Invoke-BenchSeconds $cExe @("$CCount"))

$peer = Start-BenchPeer "`$null = Register-SignalHandler USR1 -Action { Send-Signal $PID USR2 }; Send-Signal $PID USR2; while (`$true) { [System.Threading.Thread]::Sleep(1) }"
try {
    $null = Wait-Signal USR2 -Timeout 60
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i++) {
        Send-Signal $peer.Id USR1
        $null = Wait-Signal USR2 -Timeout 30
    }
    $module = $Count / $watch.Elapsed.TotalSeconds
}
finally {
    $peer.Kill()
    $null = $peer.WaitForExit(10000)
    [System.IO.File]::Delete($cExe)
}
"| signals handled per second, acknowledged | C sigaction | PSIpc (Register-SignalHandler / Wait-Signal) | x C |"
"| --- | ---: | ---: | ---: |"
"| SIGUSR1 -> SIGUSR2 | $([Math]::Round($c)) | $([Math]::Round($module)) | $([Math]::Round($module / $c, 3)) |"

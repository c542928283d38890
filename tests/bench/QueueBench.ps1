# Message queue benchmark: C (msgsnd/msgrcv, mq_send/mq_receive), the module's .NET API (PSIpc.Bench) and the
# cmdlets, each between two processes, in one run, as rates and ratios to C.
#   dotnet build -c Release && src/PSIpc.Host/bin/Release/net10.0/PSIpc.Host -NoProfile -File tests/bench/QueueBench.ps1
# Not part of dotnet test.
param([int]$Count = 20000, [int]$CmdletCount = 2000)

. $PSScriptRoot/BenchCommon.ps1
$cExe = Build-BenchProgram 'queue_bench.c' -Libraries '-lrt'
Assert-BenchApi
$apiExe = $BenchApi
function Invoke-Seconds { param([string]$File, [string[]]$Arguments) Invoke-BenchSeconds $File $Arguments }

function Measure-Cmdlets {
    # System V, between this session and a peer PowerShell: Send-IpcMessage / Receive-IpcMessage per message.
    param([int]$Size, [int]$N, [bool]$RoundTrip)
    $q = New-IpcMessageQueue -Private
    try {
        $peerScript = if ($RoundTrip) {
            "`$q = Connect-IpcMessageQueue -Id $($q.Id); Send-IpcMessage `$q 'ready' -Type 3 -Encoding Text; Receive-IpcMessage `$q -Type 1 -Count $N -Encoding Bytes -Timeout 60 | ForEach-Object { ,`$_ } | Send-IpcMessage `$q -Type 2 -Encoding Bytes"
        }
        else {
            "`$q = Connect-IpcMessageQueue -Id $($q.Id); Send-IpcMessage `$q 'ready' -Type 3 -Encoding Text; `$null = Receive-IpcMessage `$q -Type 1 -Count $N -Encoding Bytes -Timeout 60; Send-IpcMessage `$q 'done' -Type 2 -Encoding Text"
        }
        $peer = Start-BenchPeer $peerScript
        $null = Receive-IpcMessage $q -Type 3 -Timeout 60
        $payload = [byte[]]::new($Size)
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        if ($RoundTrip) {
            for ($i = 0; $i -lt $N; $i++) {
                Send-IpcMessage $q -InputObject $payload -Type 1 -Encoding Bytes
                $null = Receive-IpcMessage $q -Type 2 -Encoding Bytes -Timeout 60
            }
        }
        else {
            1..$N | ForEach-Object { , $payload } | Send-IpcMessage $q -Type 1 -Encoding Bytes -Timeout 60
            $null = Receive-IpcMessage $q -Type 2 -Timeout 60
        }
        $seconds = $watch.Elapsed.TotalSeconds
        $null = $peer.WaitForExit(60000)
        $seconds
    }
    finally {
        $q | Remove-IpcMessageQueue
    }
}

"| queue | workload | size | C /s | .NET API /s | x C | cmdlets /s | x C |"
"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
foreach ($kind in 'sysv', 'posix') {
    foreach ($mode in 'roundtrip', 'oneway') {
        foreach ($size in 16, 4096) {
            $c = $Count / (Invoke-Seconds $cExe @($kind, "$size", "$Count", $mode))
            $api = $Count / (Invoke-Seconds $apiExe @($kind, "$size", "$Count", $mode))
            $cmd = if ($kind -eq 'sysv') { $CmdletCount / (Measure-Cmdlets -Size $size -N $CmdletCount -RoundTrip ($mode -eq 'roundtrip')) } else { $null }
            $cmdText = if ($null -eq $cmd) { 'n/a' } else { [Math]::Round($cmd) }
            $cmdRatio = if ($null -eq $cmd) { '' } else { [Math]::Round($cmd / $c, 3) }
            "| $kind | $mode | $size | $([Math]::Round($c)) | $([Math]::Round($api)) | $([Math]::Round($api / $c, 2)) | $cmdText | $cmdRatio |"
        }
    }
}
[System.IO.File]::Delete($cExe)

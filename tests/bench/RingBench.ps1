# Shared-memory ring benchmark: a C ring (two processes, semaphores, memcpy), the module's IpcRing through .NET
# (PSIpc.Bench) and through the cmdlets, for 16-byte and 64 KiB messages, with plain memcpy as the ceiling. One run,
# best of -Repeat for each, printed as rates and ratios.
#   dotnet build -c Release && src/PSIpc.Host/bin/Release/net10.0/PSIpc.Host -NoProfile -File tests/bench/RingBench.ps1
# Not part of dotnet test.
param([int]$Repeat = 3, [int]$SmallCount = 2000000, [int]$LargeCount = 20000, [int]$CmdletCount = 20000)

. $PSScriptRoot/BenchCommon.ps1
$cExe = Build-BenchProgram 'ring_bench.c' -Libraries '-lrt', '-lpthread'
Assert-BenchApi
$apiExe = $BenchApi

function Get-Best {
    param([scriptblock]$Run)
    $best = [double]::MaxValue
    for ($i = 0; $i -lt $Repeat; $i++) { $best = [Math]::Min($best, (& $Run)) }
    $best
}

function Invoke-Seconds { param([string]$File, [string[]]$Arguments) Invoke-BenchSeconds $File $Arguments }

function Measure-Cmdlets {
    # A peer PowerShell produces with Send-IpcMessage; this session consumes with Receive-IpcMessage.
    param([int]$Size, [int]$N)
    $name = "/psipc-bench-cmdlets-$PID"
    $ring = New-IpcRing $name -Capacity 64 -MessageSize ([Math]::Max($Size, 8))
    try {
        $peer = Start-BenchPeer "`$r = Connect-IpcRing '$name'; `$p = [byte[]]::new($Size); Send-IpcMessage `$r 'ready' -Encoding Text; 1..$N | ForEach-Object { ,`$p } | Send-IpcMessage `$r -Encoding Bytes"
        $null = Receive-IpcMessage $ring -Timeout 60
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $null = Receive-IpcMessage $ring -Count $N -Encoding Bytes -Timeout 60
        $seconds = $watch.Elapsed.TotalSeconds
        $null = $peer.WaitForExit(60000)
        $seconds
    }
    finally {
        $ring | Remove-IpcRing
    }
}

"| size | memcpy | C ring | .NET IpcRing | x C | cmdlets | x C |"
"| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
foreach ($case in @(@{ Size = 16; Count = $SmallCount; Unit = 'msg/s' }, @{ Size = 65536; Count = $LargeCount; Unit = 'GB/s' })) {
    $size = $case.Size; $count = $case.Count
    $rate = if ($case.Unit -eq 'GB/s') { { param($s, $n) [Math]::Round($size * $n / $s / 1e9, 1) } } else { { param($s, $n) [Math]::Round($n / $s) } }
    $memcpy = & $rate (Get-Best { Invoke-Seconds $cExe @('memcpy', "$size", "$count") }) $count
    $c = & $rate (Get-Best { Invoke-Seconds $cExe @('ring', "$size", "$count") }) $count
    $api = & $rate (Get-Best { Invoke-Seconds $apiExe @('ring', "$size", "$count") }) $count
    $n = [Math]::Min($CmdletCount, $count)
    $cmd = & $rate (Get-Best { Measure-Cmdlets -Size $size -N $n }) $n
    "| $size B ($($case.Unit)) | $memcpy | $c | $api | $([Math]::Round($api / $c, 2)) | $cmd | $([Math]::Round($cmd / $c, 3)) |"
    if ($case.Unit -eq 'GB/s') { "IpcRing at $([Math]::Round($api / $memcpy, 2))x of memcpy bandwidth (goal: 0.5x); C ring at $([Math]::Round($c / $memcpy, 2))x." }
    else { "IpcRing moves $api 16-byte messages per second between two processes (goal: 1,000,000)." }
}
[System.IO.File]::Delete($cExe)

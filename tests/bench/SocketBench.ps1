# Socket benchmark: round trips per second and MB/s for Unix and TCP loopback sockets, C (raw bytes, the seeds'
# style) against the module's .NET API (PSIpc.Bench, Message framing) and the cmdlets, printed as ratios to C; and
# messages per second for a one-line cmdlet server with 64 C clients of 1,000 messages each (fan-in with replies).
#   dotnet build -c Release && src/PSIpc.Host/bin/Release/net10.0/PSIpc.Host -NoProfile -File tests/bench/SocketBench.ps1
# Not part of dotnet test.
param([int]$Count = 20000, [int]$CmdletCount = 5000, [int]$Repeat = 3)

. $PSScriptRoot/BenchCommon.ps1
$tmp = [System.IO.Path]::GetTempPath()
$cExe = Build-BenchProgram 'socket_bench.c'
$clientExe = Build-BenchProgram '../peers/sock_client.c'
Assert-BenchApi
$apiExe = $BenchApi
function Invoke-Seconds { param([string]$File, [string[]]$Arguments) Invoke-BenchSeconds $File $Arguments -Repeat $Repeat }
function Start-Peer { param([string]$Script) Start-BenchPeer $Script }

function Measure-Cmdlets {
    # A peer PowerShell serves with the cmdlets; this session is the client, also with the cmdlets.
    param([string]$Kind, [bool]$RoundTrip, [int]$Size, [int]$N)
    $path = [System.IO.Path]::Combine($tmp, "psipc-bench-cmdlets-$PID.sock")
    $port = 30000 + [System.Random]::new().Next(0, 20000)
    $listen = if ($Kind -eq 'unix') { "New-IpcSocketServer '$path'" } else { "New-IpcSocketServer -Port $port" }
    $serve = if ($RoundTrip) { "Receive-IpcMessage `$c -Count $N -Encoding Bytes | ForEach-Object { ,`$_ } | Send-IpcMessage `$c -Encoding Bytes" } else { "`$null = Receive-IpcMessage `$c -Count $N -Encoding Bytes; Send-IpcMessage `$c 'done' -Encoding Text" }
    $peer = Start-Peer "`$s = $listen; `$c = Wait-IpcConnection `$s -Timeout 60; $serve; `$s | Stop-IpcSocketServer"
    $client = $null
    for ($try = 0; $null -eq $client -and $try -lt 400; $try++) {
        $client = if ($Kind -eq 'unix') { Connect-IpcSocket $path -ErrorAction SilentlyContinue } else { Connect-IpcSocket -Port $port -ErrorAction SilentlyContinue }
        if ($null -eq $client) { [System.Threading.Thread]::Sleep(25) }
    }
    $payload = [byte[]]::new($Size)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if ($RoundTrip) {
        for ($i = 0; $i -lt $N; $i++) {
            Send-IpcMessage $client -InputObject $payload -Encoding Bytes
            $null = Receive-IpcMessage $client -Encoding Bytes -Timeout 60
        }
    }
    else {
        1..$N | ForEach-Object { , $payload } | Send-IpcMessage $client -Encoding Bytes
        $null = Receive-IpcMessage $client -Timeout 60
    }
    $seconds = $watch.Elapsed.TotalSeconds
    $client.Dispose()
    $null = $peer.WaitForExit(60000)
    $seconds
}

"| socket | workload | size | C | .NET API | x C | cmdlets | x C |"
"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
foreach ($kind in 'unix', 'tcp') {
    foreach ($case in @(@{ Mode = 'roundtrip'; Size = 16; Unit = 'round trips/s' }, @{ Mode = 'stream'; Size = 65536; Unit = 'MB/s' })) {
        $size = $case.Size
        $convert = if ($case.Unit -eq 'MB/s') { { param($s, $n) [Math]::Round($size * $n / $s / 1e6) } } else { { param($s, $n) [Math]::Round($n / $s) } }
        $c = & $convert (Invoke-Seconds $cExe @($kind, $case.Mode, "$size", "$Count")) $Count
        $api = & $convert (Invoke-Seconds $apiExe @('socket', $kind, $case.Mode, "$size", "$Count")) $Count
        $n = [Math]::Min($CmdletCount, $Count)
        $cmd = & $convert (Measure-Cmdlets -Kind $kind -RoundTrip ($case.Mode -eq 'roundtrip') -Size $size -N $n) $n
        "| $kind | $($case.Unit) | $size | $c | $api | $([Math]::Round($api / $c, 2)) | $cmd | $([Math]::Round($cmd / $c, 3)) |"
    }
}

# Fan-in: the README's one-line server, 64 C clients x 1,000 messages, each answered.
$path = [System.IO.Path]::Combine($tmp, "psipc-bench-fanin-$PID.sock")
$server = New-IpcSocketServer $path
$clients = foreach ($i in 1..64) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new($clientExe, [string[]]@('unix', $path, "c$i", '1000'))
    $psi.RedirectStandardOutput = $true
    [System.Diagnostics.Process]::Start($psi)
}
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Receive-IpcMessage $server -Count 64000 -AsEnvelope -Timeout 60 | ForEach-Object { Send-IpcMessage $_.Sender $_.Body.ToUpper() -Encoding Text }
$seconds = $watch.Elapsed.TotalSeconds
foreach ($p in $clients) { $null = $p.WaitForExit(60000) }
$server | Stop-IpcSocketServer
"fan-in: 64 clients x 1,000 messages through the one-line cmdlet server: $([Math]::Round(64000 / $seconds)) messages/s (each answered)"
[System.IO.File]::Delete($cExe)
[System.IO.File]::Delete($clientExe)

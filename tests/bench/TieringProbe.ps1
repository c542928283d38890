# Round trips over two pipes with one side in statements and the other through the .NET API or a cmdlet pipeline,
# to see what the runtime's tiered compilation does to a script that waits between statements (FINDINGS.md):
#   taskset -c 1 tools/pwsh -NoProfile -File tests/bench/TieringProbe.ps1 -Mode cmd,api
#   DOTNET_TC_CallCountingDelayMs=0 taskset -c 1 tools/pwsh -NoProfile -File tests/bench/TieringProbe.ps1 -Mode cmd,api
# -Mode <parent>,<peer>: cmd = Send-IpcMessage and Receive-IpcMessage statements (the peer: one Receive | Send
# pipeline), api = SendPayload() and Receive() calls. Prints the p50 of each of two rounds of -Count round trips.
param([string]$Mode = 'cmd,api', [int]$Count = 5000, [switch]$Peer, [string]$From, [string]$To)

$ErrorActionPreference = 'Stop'
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'PSIpc.psd1'))
$parentMode, $peerMode = $Mode.Split(',')
if ($Peer) {
    $in = Connect-IpcPipe -Handle $From
    $out = Connect-IpcPipe -Handle $To
    if ($peerMode -eq 'api') {
        for ($i = 0; $i -lt 2 * $Count; $i++) { $out.SendPayload([byte[]]$in.Receive().Body, 'Bytes') }
    }
    else {
        Receive-IpcMessage $in -Count (2 * $Count) -Encoding Bytes | Send-IpcMessage $out -Encoding Bytes
    }
    return
}

$out = New-IpcPipe -Direction Write
$in = New-IpcPipe -Direction Read
$psi = [System.Diagnostics.ProcessStartInfo]::new([System.Environment]::ProcessPath)
if ([System.IO.Path]::GetFileNameWithoutExtension($psi.FileName) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
foreach ($a in '-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-Peer', '-Mode', $Mode, '-Count', $Count, '-From', $out.ClientHandle, '-To', $in.ClientHandle) {
    $psi.ArgumentList.Add([string]$a)
}
$child = [System.Diagnostics.Process]::Start($psi)
$out.ReleaseClientHandle()
$in.ReleaseClientHandle()
try {
    $payload = [byte[]]::new(16)
    foreach ($round in 1, 2) {
        $latencies = [double[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) {
            $t = [System.Diagnostics.Stopwatch]::GetTimestamp()
            if ($parentMode -eq 'api') { $out.SendPayload($payload, 'Bytes'); $null = $in.Receive() }
            else { Send-IpcMessage $out $payload -Encoding Bytes; $null = Receive-IpcMessage $in -Encoding Bytes }
            $latencies[$i] = [System.Diagnostics.Stopwatch]::GetElapsedTime($t).TotalMicroseconds
        }
        [Array]::Sort($latencies)
        "parent $parentMode, peer $peerMode, round $($round): p50 $([Math]::Round($latencies[$Count / 2], 1)) us"
    }
    if (-not $child.WaitForExit(60000)) { throw 'the peer did not finish' }
}
finally {
    if (-not $child.HasExited) { $child.Kill() }
    $out.Dispose()
    $in.Dispose()
}

# The cmdlet columns of the side-by-side benchmark (tests/bench/run): Send-IpcMessage / Receive-IpcMessage between
# this session and a peer session (started here with the same script and -Peer), for one mechanism and a plan of
# workloads, in each form (Bytes, Text, CliXml, and Batched: Bytes with Send-IpcMessage -BatchSize on stream channels).
# Both sides walk the same plan in the same order; each cell runs its count untimed first.
# Prints one line per cell: <form> <rt|oneway> <size> <count> <seconds> <p50 ns> <p99 ns>
#   tools/pwsh -NoProfile -File tests/bench/CmdletBench.ps1 -Mechanism pipe -Plan 'rt,16,1000;oneway,16,5000'
param(
    [Parameter(Mandatory)][ValidateSet('pipe', 'fifo', 'sysv', 'posix', 'unix', 'tcp', 'ring', 'signal', 'mailbox', 'rendezvous')][string]$Mechanism,
    [Parameter(Mandatory)][string]$Plan,
    [string]$Forms = 'Bytes,Text,CliXml,Batched',
    [switch]$Peer,
    [string]$WhereList = ''
)

$ErrorActionPreference = 'Stop'
$Where = $WhereList.Split(',')
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'PSIpc.psd1'))
$limit = [timespan]::FromSeconds(60)
$stream = $Mechanism -in 'pipe', 'fifo', 'unix', 'tcp'

# The cells, in order: (form, workload, size, count). Batched applies to one-way sends on stream channels only.
$cells = [System.Collections.Generic.List[object]]::new()
foreach ($entry in $Plan.Split(';')) {
    $workload, $size, $count = $entry.Split(',')
    foreach ($form in $Forms.Split(',')) {
        if ($Mechanism -eq 'signal' -and $form -ne 'Bytes') { continue }
        if ($form -eq 'Batched' -and (-not $stream -or $workload -eq 'rt')) { continue }
        $cells.Add([pscustomobject]@{ Form = $form; Workload = $workload; Size = [int]$size; Count = [int]$count })
    }
}
$largest = 0
foreach ($c in $cells) { $largest = [Math]::Max($largest, $c.Size) }

function Get-Payload([string]$Form, [int]$Size) {
    if ($Form -in 'Bytes', 'Batched') { , [byte[]]::new($Size) } else { 'x' * $Size }
}

function Get-Encoding([string]$Form) { if ($Form -eq 'Batched') { 'Bytes' } else { $Form } }

function Start-Peer {
    $exe = [System.Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
    foreach ($a in @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-Mechanism', $Mechanism, '-Plan', $Plan, '-Forms', $Forms, '-Peer', '-WhereList', ($args -join ','))) {
        $psi.ArgumentList.Add([string]$a)
    }
    $psi.Environment['DOTNET_EnableDiagnostics'] = '0'
    [System.Diagnostics.Process]::Start($psi)
}

# This side's channels: $out sends, $in receives; System V uses one queue with types 1 (down) and 2 (back).
$sendOptions = @{}
$receiveOptions = @{}
$cleanup = {}
$peerProcess = $null
$id = "psipc-bench-cmd-$(if ($Peer) { $Where[0] } else { $PID })"
switch ($Mechanism) {
    'pipe' {
        if ($Peer) {
            $in = Connect-IpcPipe -Handle $Where[1]
            $out = Connect-IpcPipe -Handle $Where[2]
        }
        else {
            $out = New-IpcPipe -Direction Write
            $in = New-IpcPipe -Direction Read
            $peerProcess = Start-Peer $PID $out.ClientHandle $in.ClientHandle
            $out.ReleaseClientHandle()
            $in.ReleaseClientHandle()
        }
    }
    'fifo' {
        $dir = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), $id)
        if ($Peer) {
            $in = Open-IpcFifo ([System.IO.Path]::Combine($dir, 'to')) -Direction Read
            $out = Open-IpcFifo ([System.IO.Path]::Combine($dir, 'back')) -Direction Write
        }
        else {
            $null = [System.IO.Directory]::CreateDirectory($dir)
            $null = New-IpcFifo ([System.IO.Path]::Combine($dir, 'to')), ([System.IO.Path]::Combine($dir, 'back'))
            $peerProcess = Start-Peer $PID
            $out = Open-IpcFifo ([System.IO.Path]::Combine($dir, 'to')) -Direction Write
            $in = Open-IpcFifo ([System.IO.Path]::Combine($dir, 'back')) -Direction Read
            $cleanup = { [System.IO.Directory]::Delete($dir, $true) }
        }
    }
    'sysv' {
        if ($Peer) { $out = $in = Connect-IpcMessageQueue -Id $Where[1] } else { $out = $in = New-IpcMessageQueue -Private; $peerProcess = Start-Peer $PID $out.Id; $cleanup = { $out | Remove-IpcMessageQueue -Confirm:$false } }
        $sendOptions = @{ Type = if ($Peer) { 2 } else { 1 } }
        $receiveOptions = @{ Type = if ($Peer) { 1 } else { 2 } }
    }
    'posix' {
        if ($Peer) {
            $in = Connect-IpcMessageQueue -Name "/$id-to"
            $out = Connect-IpcMessageQueue -Name "/$id-back"
        }
        else {
            $out = New-IpcMessageQueue -Name "/$id-to" -MaxMessages 10 -MaxMessageSize 8192
            $in = New-IpcMessageQueue -Name "/$id-back" -MaxMessages 10 -MaxMessageSize 8192
            $peerProcess = Start-Peer $PID
            $cleanup = { $out, $in | Remove-IpcMessageQueue -Confirm:$false }
        }
    }
    { $_ -in 'unix', 'tcp' } {
        if ($Peer) {
            $out = $in = if ($Mechanism -eq 'unix') { Connect-IpcSocket -Path $Where[1] -Timeout 60 } else { Connect-IpcSocket -Port $Where[1] -Timeout 60 }
        }
        else {
            $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "$id.sock")
            $server = if ($Mechanism -eq 'unix') { New-IpcSocketServer -Path $path } else { New-IpcSocketServer -Port 0 }
            $peerProcess = Start-Peer $PID $(if ($Mechanism -eq 'unix') { $path } else { $server.Port })
            $out = $in = Wait-IpcConnection $server -Timeout 60
            $cleanup = { $server | Stop-IpcSocketServer -Confirm:$false }
        }
    }
    'ring' {
        if ($Peer) {
            $in = Connect-IpcRing "/$id-to"
            $out = Connect-IpcRing "/$id-back"
        }
        else {
            # Room for the largest body in its CliXml form.
            $out = New-IpcRing "/$id-to" -Capacity 64 -MessageSize ($largest + 1024)
            $in = New-IpcRing "/$id-back" -Capacity 64 -MessageSize ($largest + 1024)
            $peerProcess = Start-Peer $PID
            $cleanup = { $out, $in | Remove-IpcRing -Confirm:$false }
        }
    }
    { $_ -in 'mailbox', 'rendezvous' } {
        # Each side's mailbox; the peer says hello, the parent answers ready, and each keeps the link -PassThru shows.
        $in = Open-IpcMailbox
        if ($Peer) {
            $out = (Send-IpcMessage -ProcessId $Where[0] 'hello' -Encoding Text -PassThru).Channel
            $null = Receive-IpcMessage $in -Timeout 60
        }
        else {
            $peerProcess = Start-Peer $PID
            $hello = Receive-IpcMessage $in -AsEnvelope -Timeout 60
            $out = (Send-IpcMessage -ProcessId $hello.SenderProcessId 'ready' -Encoding Text -PassThru).Channel
            if ($Mechanism -eq 'rendezvous') { $sendOptions = @{ WaitForReceipt = $true } }
        }
        $cleanup = { $in | Close-IpcChannel }
    }
    'signal' {
        # Handlers without actions keep the signals from their default action; Wait-Signal takes each delivery.
        if ($Peer) {
            $null = Register-SignalHandler USR1
            Send-Signal -Id $Where[0] -Signal USR2
        }
        else {
            $null = Register-SignalHandler USR2
            $peerProcess = Start-Peer $PID
            $null = Wait-Signal USR2 -Timeout 60
        }
    }
}

try {
    foreach ($cell in $cells) {
        $payload = Get-Payload $cell.Form $cell.Size
        $encoding = Get-Encoding $cell.Form
        # The untimed pass is as long as the timed one, so that the engine's and the module's code is compiled by the
        # runtime's second tier before the clock starts (C has no JIT to warm).
        foreach ($timed in $false, $true) {
            $n = $cell.Count
            if ($Mechanism -eq 'signal') {
                if ($Peer) {
                    for ($i = 0; $i -lt $n; $i++) { $null = Wait-Signal USR1 -Timeout 60; Send-Signal -Id $Where[0] -Signal USR2 }
                    continue
                }
                $latencies = [double[]]::new($n)
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                for ($i = 0; $i -lt $n; $i++) {
                    $t = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    Send-Signal -Id $peerProcess.Id -Signal USR1
                    $null = Wait-Signal USR2 -Timeout 60
                    $latencies[$i] = [System.Diagnostics.Stopwatch]::GetElapsedTime($t).TotalSeconds
                }
            }
            elseif ($Peer) {
                if ($cell.Workload -eq 'rt') {
                    Receive-IpcMessage $in -Count $n -Encoding $encoding -Timeout 60 @receiveOptions | Send-IpcMessage $out -Encoding $encoding -Timeout 60 @sendOptions
                }
                else {
                    $null = Receive-IpcMessage $in -Count $n -Encoding $encoding -Timeout 60 @receiveOptions
                    Send-IpcMessage $out 'd' -Encoding Text -Timeout 60 @sendOptions
                }
                continue
            }
            elseif ($cell.Workload -eq 'rt') {
                $latencies = [double[]]::new($n)
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                for ($i = 0; $i -lt $n; $i++) {
                    $t = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    Send-IpcMessage $out $payload -Encoding $encoding -Timeout 60 @sendOptions
                    $null = Receive-IpcMessage $in -Encoding $encoding -Timeout 60 @receiveOptions
                    $latencies[$i] = [System.Diagnostics.Stopwatch]::GetElapsedTime($t).TotalSeconds
                }
            }
            else {
                # The pipeline's input is ready before the clock starts: what is timed is the cmdlets' work.
                $items = [object[]]::new($n)
                for ($i = 0; $i -lt $n; $i++) { $items[$i] = $payload }
                $batch = if ($cell.Form -eq 'Batched') { @{ BatchSize = 64 } } else { @{} }
                $latencies = $null
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $items | Send-IpcMessage $out -Encoding $encoding -Timeout 60 @sendOptions @batch
                $null = Receive-IpcMessage $in -Timeout 60 @receiveOptions
            }
            $seconds = $watch.Elapsed.TotalSeconds
            if (-not $timed) { continue }
            $p50 = $p99 = 0
            if ($latencies) {
                [Array]::Sort($latencies)
                $p50 = $latencies[[int][Math]::Floor($n / 2)] * 1e9
                $p99 = $latencies[[int][Math]::Floor($n * 99 / 100)] * 1e9
            }
            [string]::Format([cultureinfo]::InvariantCulture, '{0} {1} {2} {3} {4:F6} {5:F0} {6:F0}', $cell.Form, $cell.Workload, $cell.Size, $cell.Count, $seconds, $p50, $p99)
        }
    }
    if ($peerProcess -and -not $peerProcess.WaitForExit(60000)) { $peerProcess.Kill(); throw 'the peer did not finish' }
    if ($peerProcess -and $peerProcess.ExitCode -ne 0) { throw "the peer failed with exit code $($peerProcess.ExitCode)" }
}
finally {
    if ($peerProcess -and -not $peerProcess.HasExited) { $peerProcess.Kill() }
    & $cleanup
}

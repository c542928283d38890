# A first pipe benchmark: the C baseline, the module's .NET API and the cmdlets, in one run, as ratios to C.
#   dotnet build && dotnet run --project src/PSIpc.Host --no-build -- -NoProfile -File tests/bench/PipeBench.ps1
# One process and one pipe, write then read, so the figures are the cost per message of each layer, not scheduling.
# Not part of dotnet test. Issue 7 grows this into the full side-by-side benchmark.
param([int]$Small = 20000, [int]$Large = 2000, [int]$Repeat = 3)

$root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
Import-Module ([System.IO.Path]::Combine($root, 'PSIpc.psd1'))
$exe = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "psipc-pipe-bench-$PID")
$gcc = [System.Diagnostics.Process]::Start('gcc', @('-O2', '-o', $exe, [System.IO.Path]::Combine($PSScriptRoot, 'pipe_bench.c')))
$gcc.WaitForExit()
if ($gcc.ExitCode -ne 0) { throw 'gcc failed' }

function Measure-Best {
    param([scriptblock]$Run)
    $best = [double]::MaxValue
    for ($i = 0; $i -lt $Repeat; $i++) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        & $Run
        $best = [Math]::Min($best, $watch.Elapsed.TotalSeconds)
    }
    $best
}

function Measure-C {
    param([int]$Size, [int]$Count)
    $best = [double]::MaxValue
    for ($i = 0; $i -lt $Repeat; $i++) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe, @("$Size", "$Count"))
        $psi.RedirectStandardOutput = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $best = [Math]::Min($best, [double]::Parse($p.StandardOutput.ReadToEnd()))
        $p.WaitForExit()
    }
    $best
}

$rows = [System.Collections.Generic.List[object]]::new()
foreach ($case in @(@{ Name = '16 B'; Size = 16; Count = $Small }, @{ Name = '64 KiB'; Size = 64KB; Count = $Large })) {
    $payload = [byte[]]::new($case.Size)
    $count = $case.Count
    $c = Measure-C $case.Size $count
    $rows.Add([pscustomobject]@{ Message = $case.Name; Implementation = 'C write+read'; Seconds = $c })

    foreach ($framing in 'Message', 'Raw') {
        $pipe = New-IpcPipe -Framing $framing
        $api = Measure-Best {
            for ($i = 0; $i -lt $count; $i++) {
                $pipe.SendPayload($payload, [PSIpc.IpcEncoding]::Bytes)
                $null = $pipe.Receive()
            }
        }
        $pipe.Dispose()
        # Raw receives decode as Text unless told; the figure includes that UTF-8 decoding.
        $rows.Add([pscustomobject]@{ Message = $case.Name; Implementation = ".NET API, $framing framing (called from script)"; Seconds = $api })
    }

    $pipe = New-IpcPipe
    $batch = [Math]::Max(1, [Math]::Min($count, [int](512KB / ($case.Size + 8))))
    $cmd = Measure-Best {
        for ($sent = 0; $sent -lt $count; $sent += $batch) {
            $n = [Math]::Min($batch, $count - $sent)
            1..$n | ForEach-Object { , $payload } | Send-IpcMessage $pipe -Encoding Bytes
            $null = Receive-IpcMessage $pipe -Count $n
        }
    }
    $pipe.Dispose()
    $rows.Add([pscustomobject]@{ Message = $case.Name; Implementation = 'cmdlets, Bytes'; Seconds = $cmd })

    if ($case.Size -ne 16) { continue }
    $pipe = New-IpcPipe
    $cli = Measure-Best {
        $n = [Math]::Min($count, 2000)
        for ($sent = 0; $sent -lt $n; $sent += 200) {
            1..200 | ForEach-Object { [pscustomobject]@{ Id = $_; Name = 'item' } } | Send-IpcMessage $pipe
            $null = Receive-IpcMessage $pipe -Count 200
        }
    }
    $pipe.Dispose()
    $rows.Add([pscustomobject]@{ Message = $case.Name; Implementation = 'cmdlets, CliXml [pscustomobject] (2000 msgs)'; Seconds = $cli * $count / [Math]::Min($count, 2000) })

}
[System.IO.File]::Delete($exe)

"| message | implementation | us per message | x C |"
"| --- | --- | ---: | ---: |"
foreach ($case in '16 B', '64 KiB') {
    $group = @($rows | Where-Object Message -EQ $case)
    $count = if ($case -eq '16 B') { $Small } else { $Large }
    $base = $group[0].Seconds
    foreach ($r in $group) {
        "| $case | $($r.Implementation) | $([Math]::Round($r.Seconds / $count * 1e6, 2)) | $([Math]::Round($r.Seconds / $base, 1)) |"
    }
}

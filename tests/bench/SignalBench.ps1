# Signal benchmark: signals handled per second with an acknowledgment each, a C sigaction handler against the module
# (a peer PowerShell with Register-SignalHandler -Action acknowledging with Send-Signal; this session sending with
# Send-Signal and waiting with Wait-Signal). One run, printed as a ratio.
#   dotnet build -c Release && src/PSIpc.Host/bin/Release/net10.0/PSIpc.Host -NoProfile -File tests/bench/SignalBench.ps1
# Not part of dotnet test.
param([int]$CCount = 20000, [int]$Count = 500)

$root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
$manifest = [System.IO.Path]::Combine($root, 'PSIpc.psd1')
Import-Module $manifest
$cExe = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "psipc-signal-bench-$PID")
$gcc = [System.Diagnostics.Process]::Start('gcc', @('-O2', '-o', $cExe, [System.IO.Path]::Combine($PSScriptRoot, 'signal_bench.c')))
$gcc.WaitForExit()
if ($gcc.ExitCode -ne 0) { throw 'gcc failed' }

$psi = [System.Diagnostics.ProcessStartInfo]::new($cExe, [string[]]@("$CCount"))
$psi.RedirectStandardOutput = $true
$p = [System.Diagnostics.Process]::Start($psi)
$cSeconds = [double]::Parse($p.StandardOutput.ReadToEnd().Trim(), [System.Globalization.CultureInfo]::InvariantCulture)
$p.WaitForExit()
$c = $CCount / $cSeconds

$exe = [System.Environment]::ProcessPath
$psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
$script = "Import-Module '$manifest'; `$null = Register-SignalHandler USR1 -Action { Send-Signal $PID USR2 }; Send-Signal $PID USR2; while (`$true) { [System.Threading.Thread]::Sleep(1) }"
foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $script) { $psi.ArgumentList.Add($a) }
$peer = [System.Diagnostics.Process]::Start($psi)
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

# Helpers the benchmark scripts share: dot-source it (. $PSScriptRoot/BenchCommon.ps1).

$BenchRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
$BenchManifest = [System.IO.Path]::Combine($BenchRoot, 'PSIpc.psd1')
$BenchApi = [System.IO.Path]::Combine($BenchRoot, 'tests', 'PSIpc.Bench', 'bin', 'Release', 'net10.0', 'PSIpc.Bench')
Import-Module $BenchManifest

function Build-BenchProgram {
    # Compiles a C file (relative to tests/bench) with gcc -O2 into a temporary executable and returns its path.
    param([Parameter(Mandatory)][string]$Source, [string[]]$Libraries = @())
    $exe = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'psipc-bench-' + [System.IO.Path]::GetFileNameWithoutExtension($Source) + "-$PID")
    $gcc = [System.Diagnostics.Process]::Start('gcc', [string[]](@('-O2', '-o', $exe, [System.IO.Path]::Combine($PSScriptRoot, $Source)) + $Libraries))
    $gcc.WaitForExit()
    if ($gcc.ExitCode -ne 0) { throw "gcc failed on $Source" }
    $exe
}

function Assert-BenchApi {
    if (-not [System.IO.File]::Exists($BenchApi)) { throw "Build first: dotnet build -c Release ($BenchApi is missing)." }
}

function Invoke-BenchSeconds {
    # Runs a program that prints the seconds it measured; returns the best of -Repeat runs.
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @(), [int]$Repeat = 1)
    $best = [double]::MaxValue
    for ($r = 0; $r -lt $Repeat; $r++) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($File)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        if ($p.ExitCode -ne 0) { throw "$File $Arguments failed" }
        $best = [Math]::Min($best, [double]::Parse($out.Trim(), [System.Globalization.CultureInfo]::InvariantCulture))
    }
    $best
}

function Start-BenchPeer {
    # Starts the PowerShell running this script again, with PSIpc imported, to run $Script.
    param([Parameter(Mandatory)][string]$Script)
    $exe = [System.Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$BenchManifest'; $Script") { $psi.ArgumentList.Add($a) }
    [System.Diagnostics.Process]::Start($psi)
}

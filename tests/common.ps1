# Shared helpers for PSIpc's Pester files. Dot-source it in a BeforeAll:  . $PSScriptRoot/common.ps1
# Uses only .NET calls and the engine's core cmdlets, so it runs under pwsh with Pester and under PSIpc.Host with PesterCompat.

$RepoRoot = [System.IO.Path]::GetDirectoryName($PSScriptRoot)
$ModuleManifest = [System.IO.Path]::Combine($RepoRoot, 'PSIpc.psd1')
Import-Module $ModuleManifest -ErrorAction Stop
$TestPeers = [System.Collections.Generic.List[object]]::new()
$TestRoot = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'psipc-test-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
$null = [System.IO.Directory]::CreateDirectory($TestRoot)

function Join-TestPath {
    param([Parameter(Mandatory)][string]$Name)
    [System.IO.Path]::Combine($TestRoot, $Name)
}

function Get-PeerHost {
    # The PowerShell running this test, to be started again as a peer: pwsh under Pester, PSIpc.Host under PesterCompat.
    $path = [System.Environment]::ProcessPath
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($path) -eq 'dotnet') {
        $prefix = @([System.Environment]::GetCommandLineArgs()[0])
    }
    [pscustomobject]@{ FileName = $path; Prefix = $prefix }
}

function Start-TestProcess {
    # Starts a process with stdout and stderr captured; the test's AfterAll reaps it with Stop-TestPeers.
    param(
        [Parameter(Mandatory)][string]$FileName,
        [string[]]$ArgumentList = @(),
        [hashtable]$Environment = @{}
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    # No debugger pipes or diagnostic sockets in /tmp: a peer a test kills could not remove them.
    $psi.Environment['DOTNET_EnableDiagnostics'] = '0'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.WorkingDirectory = $RepoRoot
    $process = [System.Diagnostics.Process]::Start($psi)
    $peer = [pscustomobject]@{
        Process = $process
        Id      = $process.Id
        Out     = $process.StandardOutput.ReadToEndAsync()
        Err     = $process.StandardError.ReadToEndAsync()
    }
    $TestPeers.Add($peer)
    $peer
}

function Start-IpcPeer {
    # Runs a script in a second PowerShell process that has imported PSIpc.
    param([Parameter(Mandatory)][string]$Script)
    $peerHost = Get-PeerHost
    $full = "Import-Module '$ModuleManifest' -ErrorAction Stop`n$Script"
    Start-TestProcess -FileName $peerHost.FileName -ArgumentList (@($peerHost.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $full))
}

function Wait-TestPeer {
    # Waits for a peer to exit; kills it and fails after the timeout. Returns ExitCode, StdOut and StdErr.
    param([Parameter(Mandatory)]$Peer, [int]$TimeoutSeconds = 60)
    if (-not $Peer.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Peer.Process.Kill($true)
        $null = $Peer.Process.WaitForExit(5000)
        throw "Peer $($Peer.Id) did not exit within $TimeoutSeconds s. stdout: $($Peer.Out.Result) stderr: $($Peer.Err.Result)"
    }
    $Peer.Process.WaitForExit()
    Remove-DeadPeerFiles $Peer.Id
    [pscustomobject]@{ ExitCode = $Peer.Process.ExitCode; StdOut = $Peer.Out.Result; StdErr = $Peer.Err.Result }
}

function Remove-DeadPeerFiles {
    # A PowerShell peer that was killed leaves the engine's host pipe (/tmp/CoreFxPipe_PSHost.*.<pid>.*) behind.
    param([int]$Id)
    foreach ($f in [System.IO.Directory]::GetFiles([System.IO.Path]::GetTempPath(), "CoreFxPipe_PSHost.*.$Id.*")) {
        [System.IO.File]::Delete($f)
    }
}

function Stop-TestPeers {
    # Kills and reaps every peer this file started that is still running.
    foreach ($peer in $TestPeers) {
        try {
            if (-not $peer.Process.HasExited) {
                $peer.Process.Kill($true)
                $null = $peer.Process.WaitForExit(5000)
            }
            Remove-DeadPeerFiles $peer.Id
            $peer.Process.Dispose()
        }
        catch {
            # Already gone.
        }
    }
    $TestPeers.Clear()
}

function Remove-TestRoot {
    Stop-TestPeers
    if ([System.IO.Directory]::Exists($TestRoot)) {
        [System.IO.Directory]::Delete($TestRoot, $true)
    }
}

function Wait-TestCondition {
    # Polls a condition every 20 ms; throws when it is still false after the timeout.
    param([Parameter(Mandatory)][scriptblock]$Condition, [int]$TimeoutSeconds = 20, [string]$What = 'the condition')
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($watch.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Timed out after $TimeoutSeconds s waiting for $What." }
        [System.Threading.Thread]::Sleep(20)
    }
}

function Build-CPeer {
    # Compiles tests/peers/<Name>.c with gcc (once per change) and returns the executable's path.
    param([Parameter(Mandatory)][string]$Name, [string[]]$Libraries = @())
    $source = [System.IO.Path]::Combine($RepoRoot, 'tests', 'peers', "$Name.c")
    $outDir = [System.IO.Path]::Combine($RepoRoot, 'tests', 'peers', 'build')
    $null = [System.IO.Directory]::CreateDirectory($outDir)
    $exe = [System.IO.Path]::Combine($outDir, $Name)
    if (-not [System.IO.File]::Exists($exe) -or [System.IO.File]::GetLastWriteTimeUtc($exe) -lt [System.IO.File]::GetLastWriteTimeUtc($source)) {
        $tmp = "$exe.$PID.tmp"
        $gcc = Start-TestProcess -FileName 'gcc' -ArgumentList (@('-O2', '-Wall', '-Werror', '-o', $tmp, $source) + $Libraries)
        $result = Wait-TestPeer $gcc -TimeoutSeconds 120
        if ($result.ExitCode -ne 0) { throw "gcc failed on $source`n$($result.StdErr)" }
        [System.IO.File]::Move($tmp, $exe, $true)
    }
    $exe
}

function Get-OpenDescriptorCount {
    [System.IO.Directory]::GetFileSystemEntries("/proc/$PID/fd").Count
}

function Get-FileMode {
    # The permission bits of a path as four octal digits (0600), read with lstat through .NET.
    param([Parameter(Mandatory)][string]$Path)
    '0' + [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($Path), 8).PadLeft(3, '0')
}

function Get-SortedText {
    # Sort-Object is not in the core engine: an ordinal sort of strings through .NET.
    param([string[]]$Items)
    $copy = [string[]]@($Items)
    [System.Array]::Sort($copy, [System.StringComparer]::Ordinal)
    , $copy
}

function Get-SysVQueueIds {
    # The msqids /proc/sysvipc/msg lists (what ipcs -q shows).
    $lines = [System.IO.File]::ReadAllLines('/proc/sysvipc/msg')
    @(for ($i = 1; $i -lt $lines.Count; $i++) { [int](($lines[$i].Trim() -split '\s+')[1]) })
}

function Get-SysVSegmentIds {
    # The shmids /proc/sysvipc/shm lists (what ipcs -m shows).
    $lines = [System.IO.File]::ReadAllLines('/proc/sysvipc/shm')
    @(for ($i = 1; $i -lt $lines.Count; $i++) { [int](($lines[$i].Trim() -split '\s+')[1]) })
}

function New-TestName {
    # A unique POSIX name for this test run, such as /psipc-test-1a2b3c4d5e6f.
    '/psipc-test-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
}

function Assert-StopsOnCtrlC {
    # Runs a blocking command in another runspace of this process, checks that it is still waiting, then stops the
    # pipeline as Ctrl+C does and checks that it stops within 10 seconds.
    param([Parameter(Mandatory)][string]$Script, $Argument)
    $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
    try {
        $null = $ps.AddScript("Import-Module '$ModuleManifest'; $Script")
        if ($PSBoundParameters.ContainsKey('Argument')) { $null = $ps.AddArgument($Argument) }
        $handle = $ps.BeginInvoke()
        [System.Threading.Thread]::Sleep(300)
        if ($handle.IsCompleted) { throw "'$Script' did not block: $($ps.InvocationStateInfo.State) $($ps.InvocationStateInfo.Reason)" }
        if (-not $ps.StopAsync($null, $null).Wait(10000)) { throw "'$Script' did not stop within 10 s." }
        if ($ps.InvocationStateInfo.State -ne 'Stopped') { throw "'$Script' ended $($ps.InvocationStateInfo.State), not Stopped." }
    }
    finally { $ps.Dispose() }
}

function Invoke-IpcPeerAsNobody {
    # Runs a script in a second PowerShell with PSIpc imported, as the user nobody (setpriv, util-linux), to check
    # permission errors (root passes every permission check). Returns ExitCode, StdOut, StdErr and Lines (trimmed).
    param([Parameter(Mandatory)][string]$Script)
    $peerHost = Get-PeerHost
    $argList = @('--reuid=65534', '--regid=65534', '--clear-groups', '--', $peerHost.FileName) + @($peerHost.Prefix) +
        @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModuleManifest'; $Script")
    $result = Wait-TestPeer (Start-TestProcess -FileName '/usr/bin/setpriv' -ArgumentList $argList -Environment @{ HOME = '/tmp'; DOTNET_CLI_HOME = '/tmp' })
    [pscustomobject]@{
        ExitCode = $result.ExitCode
        StdOut   = $result.StdOut
        StdErr   = $result.StdErr
        Lines    = @($result.StdOut.Trim() -split "`n" | ForEach-Object { $_.Trim() })
    }
}

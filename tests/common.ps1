# Shared helpers for PSIpc's Pester files. Dot-source it in a BeforeAll:  . $PSScriptRoot/common.ps1
# The suite runs under real Pester 5.9.1 on real pwsh (tools/PesterTest.ps1); peers are real processes.

$RepoRoot = Split-Path -Parent $PSScriptRoot
$ModuleManifest = Join-Path $RepoRoot 'PSIpc.psd1'
Import-Module $ModuleManifest -ErrorAction Stop
$TestPeers = [System.Collections.Generic.List[object]]::new()

function Get-PwshCommand {
    # The pwsh running this test, to be started again as a peer: `dotnet <package>/.../pwsh.dll`, never the tool's
    # shim, so the peer's pid is the process the test signals or kills.
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
    # No debugger pipes or diagnostic sockets in /tmp: a peer a test kills could not remove them. No colour codes.
    $psi.Environment['DOTNET_EnableDiagnostics'] = '0'
    $psi.Environment['NO_COLOR'] = '1'
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

function Start-PwshProcess {
    # Starts the real pwsh (-NoProfile -NonInteractive) with the given arguments, such as -File or -Command.
    param([Parameter(Mandatory)][string[]]$ArgumentList)
    $pwsh = Get-PwshCommand
    Start-TestProcess -FileName $pwsh.FileName -ArgumentList (@($pwsh.Prefix) + @('-NoProfile', '-NonInteractive') + $ArgumentList)
}

function Start-IpcPeer {
    # Runs a script in a second pwsh process that has imported PSIpc.
    param([Parameter(Mandatory)][string]$Script)
    Start-PwshProcess -ArgumentList '-Command', "Import-Module '$ModuleManifest' -ErrorAction Stop`n$Script"
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
    Remove-DeadPeerFile $Peer.Id
    [pscustomobject]@{ ExitCode = $Peer.Process.ExitCode; StdOut = $Peer.Out.Result; StdErr = $Peer.Err.Result }
}

function Remove-DeadPeerFile {
    # A pwsh peer that was killed leaves the engine's host pipe (/tmp/CoreFxPipe_PSHost.*.<pid>.*) behind.
    param([int]$Id)
    Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter "CoreFxPipe_PSHost.*.$Id.*" -Force -ErrorAction Ignore |
        Remove-Item -Force -ErrorAction Ignore
}

function Stop-TestPeers {
    # Kills and reaps every peer this file started that is still running.
    foreach ($peer in $TestPeers) {
        try {
            if (-not $peer.Process.HasExited) {
                $peer.Process.Kill($true)
                $null = $peer.Process.WaitForExit(5000)
            }
            Remove-DeadPeerFile $peer.Id
            $peer.Process.Dispose()
        }
        catch {
            Write-Verbose "peer $($peer.Id) was already gone: $_"
        }
    }
    $TestPeers.Clear()
}

function Wait-TestCondition {
    # Polls a condition every 20 ms; throws when it is still false after the timeout.
    param([Parameter(Mandatory)][scriptblock]$Condition, [int]$TimeoutSeconds = 20, [string]$What = 'the condition')
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($watch.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Timed out after $TimeoutSeconds s waiting for $What." }
        Start-Sleep -Milliseconds 20
    }
}

function Build-CPeer {
    # Compiles tests/peers/<Name>.c with gcc (once per change) and returns the executable's path.
    param([Parameter(Mandatory)][string]$Name, [string[]]$Libraries = @())
    $source = Join-Path $RepoRoot "tests/peers/$Name.c"
    $outDir = Join-Path $RepoRoot 'tests/peers/build'
    $null = New-Item -ItemType Directory -Force -Path $outDir
    $exe = Join-Path $outDir $Name
    if (-not (Test-Path -LiteralPath $exe) -or (Get-Item -LiteralPath $exe).LastWriteTimeUtc -lt (Get-Item -LiteralPath $source).LastWriteTimeUtc) {
        $tmp = "$exe.$PID.tmp"
        $gcc = Start-TestProcess -FileName 'gcc' -ArgumentList (@('-O2', '-Wall', '-Werror', '-o', $tmp, $source) + $Libraries)
        $result = Wait-TestPeer $gcc -TimeoutSeconds 120
        if ($result.ExitCode -ne 0) { throw "gcc failed on $source`n$($result.StdErr)" }
        Move-Item -LiteralPath $tmp -Destination $exe -Force
    }
    $exe
}

function Invoke-SymlinkRace {
    # Runs -Create { param($Path) ... } again and again on a path in a directory anyone can write (0777, no sticky
    # bit), while a C peer swaps that path for a symbolic link to a victim file (mode 0600) as fast as it can.
    # Returns the victim's mode afterwards, how many creates ran and how many succeeded.
    param([Parameter(Mandatory)][scriptblock]$Create, [double]$Seconds = 4)
    $dir = Join-Path $TestDrive ('race-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $dir
    [System.IO.File]::SetUnixFileMode($dir, [System.IO.UnixFileMode]0x1FF)
    $victim = Join-Path $TestDrive "victim-$(Split-Path -Leaf $dir)"
    Set-Content -LiteralPath $victim -Value 'do not touch' -NoNewline
    [System.IO.File]::SetUnixFileMode($victim, [System.IO.UnixFileMode]0x180)
    $path = Join-Path $dir 'target'
    $swapper = Start-TestProcess -FileName (Build-CPeer 'symlink_swapper') -ArgumentList @($path, $victim, "$Seconds")
    $tries = 0
    $made = 0
    while (-not $swapper.Process.HasExited) {
        $tries++
        if (& $Create $path) { $made++ }
    }
    $swaps = [long](Wait-TestPeer $swapper).StdOut.Trim()
    [pscustomobject]@{ VictimMode = Get-FileMode $victim; VictimText = Get-Content -LiteralPath $victim -Raw; Tries = $tries; Made = $made; Swaps = $swaps }
}

function Get-OpenDescriptorCount {
    @(Get-ChildItem -LiteralPath "/proc/$PID/fd" -Force).Count
}

function Get-FileMode {
    # The permission bits of a path as four octal digits (0600), read with lstat.
    param([Parameter(Mandatory)][string]$Path)
    '0' + [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($Path), 8).PadLeft(3, '0')
}

function Get-SysVQueueIds {
    # The msqids /proc/sysvipc/msg lists (what ipcs -q shows).
    Get-Content -LiteralPath '/proc/sysvipc/msg' | Select-Object -Skip 1 | ForEach-Object { [int](($_.Trim() -split '\s+')[1]) }
}

function Get-SysVSegmentIds {
    # The shmids /proc/sysvipc/shm lists (what ipcs -m shows).
    Get-Content -LiteralPath '/proc/sysvipc/shm' | Select-Object -Skip 1 | ForEach-Object { [int](($_.Trim() -split '\s+')[1]) }
}

function New-TestName {
    # A unique POSIX name for this test run, such as /psipc-test-1a2b3c4d5e6f.
    '/psipc-test-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
}

function Assert-StopsOnCtrlC {
    # Runs a blocking command in another runspace of this process, checks that it is still waiting, then stops the
    # pipeline as Ctrl+C does and checks that it stops within 10 seconds.
    param([Parameter(Mandatory)][string]$Script, $Argument)
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$ModuleManifest'; $Script")
        if ($PSBoundParameters.ContainsKey('Argument')) { $null = $ps.AddArgument($Argument) }
        $handle = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 500
        if ($handle.IsCompleted) {
            throw "'$Script' did not block: $($ps.InvocationStateInfo.State) $($ps.InvocationStateInfo.Reason) $($ps.Streams.Error)"
        }
        if (-not $ps.StopAsync($null, $null).Wait(10000)) { throw "'$Script' did not stop within 10 s." }
        if ($ps.InvocationStateInfo.State -ne 'Stopped') { throw "'$Script' ended $($ps.InvocationStateInfo.State), not Stopped." }
    }
    finally {
        $ps.Runspace.Dispose()
        $ps.Dispose()
    }
}

function Test-PeerTool {
    # Whether an optional peer program is here. In an It, a missing one skips the test with the Debian package to
    # install; with PSIPC_REQUIRE_PEERS=1 (as .ci/run sets it) a missing one fails the test instead.
    param(
        [Parameter(Mandatory)][string]$Name,
        [Parameter(Mandatory)][string]$Package,
        [scriptblock]$Probe
    )
    $found = if ($Probe) { [bool](& $Probe) } else { [bool](Get-Command -Name $Name -CommandType Application -ErrorAction Ignore) }
    if ($found) { return }
    $because = "$Name is not installed (apt-get install $Package)"
    if ($env:PSIPC_REQUIRE_PEERS -eq '1') { throw "$because, and PSIPC_REQUIRE_PEERS=1 forbids skipping the test." }
    Set-ItResult -Skipped -Because $because
}

function Assert-PythonSysVIpc {
    # Debian's python3-sysv-ipc lives beside the system's python3 (/usr/bin/python3), not any other python on PATH.
    Test-PeerTool -Name 'python3 sysv_ipc' -Package 'python3-sysv-ipc' -Probe {
        (Test-Path -LiteralPath '/usr/bin/python3') -and
        @(Get-ChildItem -Path '/usr/lib/python3/dist-packages' -Filter 'sysv_ipc*' -ErrorAction Ignore).Count -gt 0
    }
}

function Assert-CanRunAsNobody {
    # The permission tests run a peer as nobody: that needs root (who passes every permission check) and setpriv.
    if ([System.Environment]::UserName -ne 'root') {
        if ($env:PSIPC_REQUIRE_PEERS -eq '1') { throw 'The permission tests need root, and PSIPC_REQUIRE_PEERS=1 forbids skipping them.' }
        Set-ItResult -Skipped -Because 'it runs a peer as nobody, which needs root'
        return
    }
    Test-PeerTool -Name 'setpriv' -Package 'util-linux'
}

function Get-NobodyInstall {
    # A copy of the built module and of this pwsh that the user nobody can read, wherever the clone and the NuGet
    # folder are (a clone in a 0700 folder, a root home folder): made once per test file, removed in AfterAll.
    if ($script:NobodyInstall) { return $script:NobodyInstall }
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ('psipc-test-nobody-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $module = Join-Path $root 'PSIpc'
    $null = New-Item -ItemType Directory -Force -Path $module
    foreach ($item in 'PSIpc.psd1', 'PSIpc.psm1', 'PSIpc.Format.ps1xml', 'bin', 'en-US') {
        $source = Join-Path $RepoRoot $item
        if (Test-Path -LiteralPath $source) { Copy-Item -LiteralPath $source -Destination $module -Recurse -Force }
    }
    $pwsh = Get-PwshCommand
    $pwshDir = Split-Path -Parent $pwsh.Prefix[0]
    Copy-Item -LiteralPath $pwshDir -Destination (Join-Path $root 'pwsh') -Recurse -Force
    $nobodyHome = Join-Path $root 'home'
    $null = New-Item -ItemType Directory -Force -Path $nobodyHome
    & chmod -R 'a+rX' $root
    & chown 65534:65534 $nobodyHome
    $script:NobodyInstall = [pscustomobject]@{
        Root     = $root
        Manifest = Join-Path $module 'PSIpc.psd1'
        Pwsh     = Join-Path $root "pwsh/$(Split-Path -Leaf $pwsh.Prefix[0])"
        Home     = $nobodyHome
    }
    $script:NobodyInstall
}

function Invoke-IpcPeerAsNobody {
    # Runs a script in a second pwsh with PSIpc imported, as the user nobody (setpriv, util-linux), to check
    # permission errors (root passes every permission check). Returns ExitCode, StdOut, StdErr and Lines (trimmed).
    param([Parameter(Mandatory)][string]$Script)
    $install = Get-NobodyInstall
    $argList = @('--reuid=65534', '--regid=65534', '--clear-groups', '--', (Get-PwshCommand).FileName, $install.Pwsh,
        '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$($install.Manifest)'; $Script")
    $result = Wait-TestPeer (Start-TestProcess -FileName 'setpriv' -ArgumentList $argList -Environment @{ HOME = $install.Home; DOTNET_CLI_HOME = $install.Home })
    [pscustomobject]@{
        ExitCode = $result.ExitCode
        StdOut   = $result.StdOut
        StdErr   = $result.StdErr
        Lines    = @($result.StdOut.Trim() -split "`n" | ForEach-Object { $_.Trim() })
    }
}

function Remove-TestRoot {
    # Every file's AfterAll: reaps the peers and removes the nobody install. Files live in $TestDrive, which Pester removes.
    Stop-TestPeers
    if ($script:NobodyInstall) {
        Remove-Item -LiteralPath $script:NobodyInstall.Root -Recurse -Force -ErrorAction Ignore
        $script:NobodyInstall = $null
    }
}

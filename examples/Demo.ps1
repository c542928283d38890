# PSIpc demo: two processes talking through anonymous pipes.
#   dotnet build && tools/pwsh -NoProfile -File examples/Demo.ps1      (tools/pwsh: the real pwsh the repo pins)
# or, in any pwsh 7.4+:  ./build.ps1 -Task Build; ./examples/Demo.ps1
# The parent starts a child pwsh (the same executable that runs this script), sends it work on one pipe,
# and reads the child's answers on a second pipe: a pipe carries one way, so two make a conversation.

$ErrorActionPreference = 'Stop'
$manifest = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', 'PSIpc.psd1'))
Import-Module $manifest

# The child: read jobs until the parent closes its pipe, answer each one with an object.
$childScript = @'
param($Manifest, $JobsHandle, $AnswersHandle)
Import-Module $Manifest
$jobs = Connect-IpcPipe -Handle $JobsHandle
$answers = Connect-IpcPipe -Handle $AnswersHandle
Receive-IpcMessage $jobs -Continuous | ForEach-Object {
    [pscustomobject]@{
        Job     = $_.Name
        Sum     = ($_.Numbers | ForEach-Object -Begin { $s = 0 } -Process { $s += $_ } -End { $s })
        ChildId = $PID
    }
} | Send-IpcMessage $answers
Close-IpcChannel $answers
'@

$jobs = New-IpcPipe -Direction Write       # parent writes, child reads
$answers = New-IpcPipe -Direction Read     # child writes, parent reads
$childFile = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "psipc-demo-child-$PID.ps1")
[System.IO.File]::WriteAllText($childFile, $childScript)

$exe = [System.Environment]::ProcessPath
$psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
foreach ($a in '-NoProfile', '-NonInteractive', '-File', $childFile, $manifest, $jobs.ClientHandle, $answers.ClientHandle) { $psi.ArgumentList.Add($a) }
$psi.UseShellExecute = $false
$child = [System.Diagnostics.Process]::Start($psi)
try {
    # The child has its ends now: close our copies, so each side sees end of stream when the other closes.
    $jobs.ReleaseClientHandle()
    $answers.ReleaseClientHandle()
    "parent $PID started child $($child.Id)"

    1..3 | ForEach-Object { [pscustomobject]@{ Name = "job$_"; Numbers = 1..($_ * 10) } } | Send-IpcMessage $jobs
    Close-IpcChannel $jobs

    Receive-IpcMessage $answers -Continuous -Timeout 30 | ForEach-Object {
        "answer from child $($_.ChildId): $($_.Job) sums to $($_.Sum)"
    }
    if (-not $child.WaitForExit(30000)) { throw 'The child did not exit.' }
    "child exited with code $($child.ExitCode)"
}
finally {
    if (-not $child.HasExited) { $child.Kill($true) }
    $jobs.Dispose()
    $answers.Dispose()
    [System.IO.File]::Delete($childFile)
}

# The classic pipe example in PowerShell: the parent writes, the child reads and prints, the parent waits.
#   dotnet build && tools/pwsh -NoProfile -File examples/PipeToChild.ps1
$manifest = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', 'PSIpc.psd1'))
Import-Module $manifest

$pipe = New-IpcPipe -Direction Write                  # this process writes; the child gets the read end
$exe = [System.Environment]::ProcessPath              # pwsh (or dotnet, running pwsh.dll)
$psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add([System.Environment]::GetCommandLineArgs()[0]) }
$psi.ArgumentList.Add('-NoProfile')
$psi.ArgumentList.Add('-Command')
$psi.ArgumentList.Add("Import-Module '$manifest'; `$c = Connect-IpcPipe -Handle $($pipe.ClientHandle); 'Child received: ' + (Receive-IpcMessage `$c)")
$psi.UseShellExecute = $false
$child = [System.Diagnostics.Process]::Start($psi)
$pipe.ReleaseClientHandle()                           # close our copy of the child's end

Send-IpcMessage $pipe 'Hello, child!'
Close-IpcChannel $pipe
$child.WaitForExit()                                  # wait(NULL)

# Loads PSIpc into its own AssemblyLoadContext (src/PSIpc.Loader): only PSIpc.Loader.dll goes into PowerShell's
# Default context; PSIpc.dll and its dependencies load into the context named PSIpc, where no other module's copy
# of a dependency can replace ours.
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core

$reimport = [bool]('PSIpc.Loader.LoadContext' -as [type])
if (-not $reimport) {
    Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'PSIpc.Loader.dll'))
}

$assembly = [PSIpc.Loader.LoadContext]::Initialize()
$inner = & $importModule -Assembly $assembly -PassThru

# A second Import-Module -Assembly of the same assembly returns the cached module without adding its cmdlets to
# this module again (PowerShell/PowerShell#20710), so they are added by hand.
if ($reimport -and $inner) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmdlet in $inner.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
    }
}

# PowerShell does not call IModuleAssemblyCleanup for an assembly imported with -Assembly: removing this module
# closes what the runspace still holds by calling it here.
$ExecutionContext.SessionState.Module.OnRemove = {
    [PSIpc.ModuleInitializer]::new().OnRemove($null)
}

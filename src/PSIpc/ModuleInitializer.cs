using System.Management.Automation;

// The module calls Linux's libc throughout; it is for Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PSIpc;

/// <summary>
/// Runs when the module is removed: closes the channels, regions, semaphores and locks that the removing runspace
/// still holds. Dependencies need no hook here: PSIpc.psm1 loads this assembly into the module's own load context
/// (src/PSIpc.Loader), which resolves them from the module folder.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo module) => OpenResources.CloseForCurrentRunspace();
}

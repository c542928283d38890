using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

// The module calls Linux's libc throughout; it is for Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PSIpc;

/// <summary>
/// Runs when the module is imported and removed. PowerShell does not read a binary module's deps.json, so the module
/// resolves its own dependencies (Tmds.LibC, which ships one assembly per runtime identifier under runtimes/) from its
/// folder with an <see cref="AssemblyDependencyResolver"/>. On removal it unhooks and closes the channels still open.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static AssemblyDependencyResolver? _resolver;
    private static bool _hooked;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_hooked)
            {
                return;
            }

            string modulePath = typeof(ModuleInitializer).Assembly.Location;
            _resolver = new AssemblyDependencyResolver(modulePath);
            AssemblyLoadContext.Default.Resolving += Resolve;
            _hooked = true;
        }
    }

    public void OnRemove(PSModuleInfo module)
    {
        ChannelRegistry.CloseForCurrentRunspace();
        lock (Gate)
        {
            if (_hooked)
            {
                AssemblyLoadContext.Default.Resolving -= Resolve;
                _hooked = false;
            }
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        // Only our own dependencies: never answer for assemblies PowerShell or another module owns.
        if (!string.Equals(name.Name, "Tmds.LibC", StringComparison.Ordinal))
        {
            return null;
        }

        string? path = _resolver?.ResolveAssemblyToPath(name);
        return path is not null && File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}

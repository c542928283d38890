using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PSIpc.Loader;

/// <summary>
/// The module's own AssemblyLoadContext, named PSIpc. PSIpc.dll and every assembly listed in its deps.json (Tmds.LibC
/// from runtimes/&lt;rid&gt;/, and any later dependency) load here, so a different version of the same assembly that
/// PowerShell or another module loaded first cannot replace ours, and ours cannot replace theirs. Everything else
/// (the framework, System.Management.Automation) is left to the Default context, so the cmdlet types are the ones
/// PowerShell knows.
/// </summary>
public sealed class LoadContext : AssemblyLoadContext
{
    private const string ModuleAssembly = "PSIpc";

    private static readonly object Gate = new();
    private static LoadContext? _instance;

    private readonly AssemblyDependencyResolver _resolver;
    private readonly Assembly _loader = typeof(LoadContext).Assembly;

    private LoadContext(string modulePath)
        : base(ModuleAssembly, isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(modulePath);
    }

    /// <summary>
    /// Loads PSIpc.dll from this assembly's folder into the module's context, making the context on the first call,
    /// and returns it for <c>Import-Module -Assembly</c>. Later calls (a re-import) return the same assembly.
    /// </summary>
    public static Assembly Initialize()
    {
        lock (Gate)
        {
            string folder = Path.GetDirectoryName(typeof(LoadContext).Assembly.Location)
                ?? throw new InvalidOperationException("The PSIpc loader has no folder to load the module from.");
            _instance ??= new LoadContext(Path.Combine(folder, ModuleAssembly + ".dll"));
            return _instance.LoadFromAssemblyName(new AssemblyName(ModuleAssembly));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Asked for the loader itself (PSIpc.dll may name it), answer with the one already in Default: one type identity.
        if (AssemblyName.ReferenceMatchesDefinition(assemblyName, _loader.GetName()))
        {
            return _loader;
        }

        // What deps.json lists resolves to a file in the module folder; null leaves the rest to Default.
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}

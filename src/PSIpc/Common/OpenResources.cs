using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;

namespace PSIpc;

/// <summary>
/// What the module holds open for this process (channels, shared memory regions, semaphores, file locks), with the
/// runspace that opened each, so that what a runspace left open is closed when it closes or the module is removed.
/// </summary>
internal static class OpenResources
{
    private static readonly object Gate = new();
    private static readonly Dictionary<IDisposable, Runspace?> Open = new(ReferenceEqualityComparer.Instance);
    private static readonly HashSet<Runspace> Watched = new(ReferenceEqualityComparer.Instance);

    /// <summary>Tracks anything the module opens that holds a kernel resource.</summary>
    public static void Track(IDisposable resource)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        lock (Gate)
        {
            Open[resource] = runspace;
            if (runspace is not null && Watched.Add(runspace))
            {
                runspace.StateChanged += OnRunspaceStateChanged;
            }
        }
    }

    public static void Forget(IDisposable resource)
    {
        lock (Gate)
        {
            Open.Remove(resource);
        }
    }

    /// <summary>Closes what the current runspace opened (module removal); everything when there is no runspace.</summary>
    public static void CloseForCurrentRunspace() => Close(Runspace.DefaultRunspace);

    private static void Close(Runspace? only)
    {
        List<IDisposable> toClose;
        lock (Gate)
        {
            toClose = Open.Where(kv => only is null || ReferenceEquals(kv.Value, only)).Select(kv => kv.Key).ToList();
        }

        foreach (IDisposable channel in toClose)
        {
            channel.Dispose();
        }
    }

    private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is not Runspace runspace
            || e.RunspaceStateInfo.State is not (RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken))
        {
            return;
        }

        lock (Gate)
        {
            if (Watched.Remove(runspace))
            {
                runspace.StateChanged -= OnRunspaceStateChanged;
            }
        }

        Close(runspace);
    }
}

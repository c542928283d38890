using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;

namespace PSIpc;

/// <summary>
/// The channels this process has open, with the runspace that opened them, so that channels left open are closed
/// when their runspace closes or the module is removed.
/// </summary>
internal static class ChannelRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<IDisposable, Runspace?> Open = new(ReferenceEqualityComparer.Instance);
    private static readonly HashSet<Runspace> Watched = new(ReferenceEqualityComparer.Instance);

    public static int Count
    {
        get
        {
            lock (Gate)
            {
                return Open.Count;
            }
        }
    }

    public static void Track(IpcChannel channel) => TrackResource(channel);

    public static void Forget(IpcChannel channel) => ForgetResource(channel);

    /// <summary>Tracks anything the module opens that holds a kernel resource (channels, shared memory, semaphores, locks).</summary>
    public static void TrackResource(IDisposable channel)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        lock (Gate)
        {
            Open[channel] = runspace;
            if (runspace is not null && Watched.Add(runspace))
            {
                runspace.StateChanged += OnRunspaceStateChanged;
            }
        }
    }

    public static void ForgetResource(IDisposable channel)
    {
        lock (Gate)
        {
            Open.Remove(channel);
        }
    }

    /// <summary>Closes the channels the current runspace opened (module removal); every channel when there is no runspace.</summary>
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
        if (sender is not Runspace runspace || e.RunspaceStateInfo.State is not (RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken))
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

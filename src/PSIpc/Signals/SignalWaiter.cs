using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace PSIpc;

/// <summary>
/// Synchronous signal handling for Wait-Signal. The first wait for a signal registers a catcher that stays, so
/// signals arriving between two waits are queued, not lost (several deliveries of one signal while none was
/// queued for it can still coalesce in the kernel). Unregister-SignalHandler -Signal removes the catcher.
/// </summary>
internal static class SignalWaiter
{
    private const int Slice = 100;
    private static readonly object Gate = new();
    private static readonly Dictionary<int, (PosixSignalRegistration Registration, Queue<SignalEvent> Pending)> Catchers = new();

    public static bool IsCatching(int number)
    {
        lock (Gate)
        {
            return Catchers.ContainsKey(number);
        }
    }

    /// <summary>At most this many deliveries are kept per signal for Wait-Signal; older ones go first.</summary>
    private const int MaxPending = 1024;

    /// <summary>Starts keeping deliveries of <paramref name="signal"/> for Wait-Signal (a handler was registered for it).</summary>
    public static void EnsureCatcher(SignalInfo signal)
    {
        lock (Gate)
        {
            AddCatcher(signal);
        }
    }

    public static SignalEvent Wait(IReadOnlyList<SignalInfo> signals, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        foreach (SignalInfo s in signals)
        {
            if (!s.CanCatch)
            {
                throw new ArgumentException($"{s.Name} cannot be caught, blocked or ignored: no process can wait for it.");
            }
        }

        lock (Gate)
        {
            foreach (SignalInfo s in signals)
            {
                AddCatcher(s);
            }

            Deadline deadline = Deadline.After(timeout);
            while (true)
            {
                foreach (SignalInfo s in signals)
                {
                    if (Catchers.TryGetValue(s.Number, out var catcher) && catcher.Pending.Count > 0)
                    {
                        return catcher.Pending.Dequeue();
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                int left = deadline.RemainingMilliseconds();
                if (left == 0)
                {
                    throw new IpcTimeoutException("SignalTimeout",
                        $"None of {string.Join(", ", signals.Select(s => s.Name))} arrived within "
                        + $"{deadline.Timeout}. Check that the sender signals this process ({Environment.ProcessId}), "
                        + "or raise -Timeout.");
                }

                Monitor.Wait(Gate, left < 0 ? Slice : Math.Min(Slice, left));
            }
        }
    }

    private static void AddCatcher(SignalInfo signal)
    {
        if (Catchers.ContainsKey(signal.Number))
        {
            return;
        }

        var pending = new Queue<SignalEvent>();
        PosixSignalRegistration registration = PosixSignalRegistration.Create((PosixSignal)signal.Number, context =>
        {
            context.Cancel = true;
            lock (Gate)
            {
                if (pending.Count >= MaxPending)
                {
                    pending.Dequeue();
                }

                pending.Enqueue(new SignalEvent(signal));
                Monitor.PulseAll(Gate);
            }
        });
        Catchers[signal.Number] = (registration, pending);
    }

    /// <summary>Removes the catchers of these signals; returns how many there were.</summary>
    public static int Release(IEnumerable<int> numbers)
    {
        int released = 0;
        lock (Gate)
        {
            foreach (int n in numbers)
            {
                if (Catchers.Remove(n, out var catcher))
                {
                    catcher.Registration.Dispose();
                    released++;
                }
            }
        }

        return released;
    }
}

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>Waiting on descriptors: poll(2), and the eventfd that cancellation and Dispose signal to end a wait.</summary>
internal static unsafe partial class Fd
{
    public static short POLLIN => LibC.POLLIN;
    public static short POLLOUT => LibC.POLLOUT;

    private static short PollHangup => (short)((ushort)LibC.POLLHUP | (ushort)LibC.POLLERR | (ushort)LibC.POLLNVAL);

    /// <summary>
    /// Waits until <paramref name="fd"/> is ready for <paramref name="events"/> (or hung up), the wake eventfd fires,
    /// or the timeout (ms, -1 = none) passes. Returns true when fd is ready; false on timeout; sets woken when the eventfd fired.
    /// </summary>
    public static bool Poll(SafeFd fd, short events, SafeFd? wake, int timeoutMs, out bool woken)
    {
        using var lease = new FdLease(fd);
        bool wakeAdded = false;
        try
        {
            pollfd* fds = stackalloc pollfd[2];
            fds[0].fd = lease.Value;
            fds[0].events = events;
            int count = 1;
            if (wake is not null)
            {
                wake.DangerousAddRef(ref wakeAdded);
                fds[1].fd = (int)wake.DangerousGetHandle().ToInt64();
                fds[1].events = LibC.POLLIN;
                count = 2;
            }

            fds[0].revents = 0;
            fds[1].revents = 0;
            Syscall.Check("poll", ((nint)fds, count, timeoutMs), static a => poll((pollfd*)a.Item1, (nuint)a.count, a.timeoutMs));
            woken = count == 2 && fds[1].revents != 0;
            return (fds[0].revents & (events | PollHangup)) != 0;
        }
        finally
        {
            if (wakeAdded)
            {
                wake!.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// poll(2) on many descriptors at once, with the wake eventfd last. Fills <paramref name="ready"/> (one entry per
    /// descriptor) and returns whether the eventfd fired; false and no ready entries on timeout.
    /// </summary>
    public static bool PollMany(IReadOnlyList<SafeFd> fds, short events, SafeFd wake, int timeoutMs, Span<bool> ready)
    {
        int count = fds.Count + 1;
        pollfd[] set = new pollfd[count];
        bool[] added = new bool[count];
        try
        {
            for (int i = 0; i < fds.Count; i++)
            {
                fds[i].DangerousAddRef(ref added[i]);
                set[i].fd = (int)fds[i].DangerousGetHandle().ToInt64();
                set[i].events = events;
            }

            wake.DangerousAddRef(ref added[count - 1]);
            set[count - 1].fd = (int)wake.DangerousGetHandle().ToInt64();
            set[count - 1].events = LibC.POLLIN;
            fixed (pollfd* p = set)
            {
                Syscall.Check("poll", ((nint)p, count, timeoutMs), static a => poll((pollfd*)a.Item1, (nuint)a.count, a.timeoutMs));
            }

            for (int i = 0; i < fds.Count; i++)
            {
                ready[i] = (set[i].revents & (events | PollHangup)) != 0;
            }

            return set[count - 1].revents != 0;
        }
        finally
        {
            for (int i = 0; i < fds.Count; i++)
            {
                if (added[i])
                {
                    fds[i].DangerousRelease();
                }
            }

            if (added[count - 1])
            {
                wake.DangerousRelease();
            }
        }
    }

    public static SafeFd EventFd() =>
        new((int)Syscall.Check("eventfd", LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK)), ownsHandle: true);

    /// <summary>Makes an eventfd readable (wakes every poll on it until drained).</summary>
    public static void SignalEvent(SafeFd eventFd)
    {
        if (eventFd.IsClosed)
        {
            return;
        }

        // A full counter (EAGAIN) is already readable: nothing more to do.
        using var lease = new FdLease(eventFd);
        ulong one = 1;
        Syscall.Try((lease.Value, (nint)(&one)), static a => LibC.write(a.Value, (void*)a.Item2, sizeof(ulong)), out _);
    }

    public static void DrainEvent(SafeFd eventFd)
    {
        // An empty counter (EAGAIN) is drained already.
        using var lease = new FdLease(eventFd);
        ulong value;
        Syscall.Try((lease.Value, (nint)(&value)), static a => LibC.read(a.Value, (void*)a.Item2, sizeof(ulong)), out _);
    }

    /// <summary>
    /// poll(2) imported here because Tmds.LibC 0.5.0 declares it without SetLastError, so its errno after a failed
    /// poll is stale (an EINTR from SIGCHLD read as whatever failed before).
    /// </summary>
    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint nfds, int timeout);
}

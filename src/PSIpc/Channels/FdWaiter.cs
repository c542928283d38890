using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// Waits for a descriptor with poll(2) together with an eventfd that cancellation (Ctrl+C) and Dispose signal, so a
/// wait ends at once when asked to, and honours a deadline. One per channel.
/// </summary>
internal sealed class FdWaiter : IDisposable
{
    /// <summary>Non-blocking looks before a wait sleeps, when this process may use more than one CPU.</summary>
    private const int SpinPolls = 16;

    private static readonly bool CanSpin = Environment.ProcessorCount > 1;

    private readonly SafeFd _wake = Fd.EventFd();

    /// <summary>Wakes every wait in progress (Dispose of the channel).</summary>
    public void Wake() => Fd.SignalEvent(_wake);

    public void Dispose()
    {
        Wake();
        _wake.Dispose();
    }

    /// <summary>
    /// Waits until <paramref name="fd"/> is ready for <paramref name="events"/> or hung up. Throws
    /// OperationCanceledException on cancellation, what <paramref name="throwIfClosed"/> throws once the channel is
    /// closed, and <paramref name="timeout"/>'s exception at the deadline.
    /// </summary>
    public void Wait(
        SafeFd fd,
        short events,
        Deadline deadline,
        CancellationToken cancellationToken,
        Action throwIfClosed,
        Func<IpcTimeoutException> timeout)
    {
        // The peer is usually a few microseconds away: with a CPU of its own, look again a few times without sleeping,
        // which spares both sides a sleep and a wake-up. Never with one CPU, where it would take the peer's time.
        for (int spin = 0; CanSpin && spin < SpinPolls; spin++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throwIfClosed();
            Thread.SpinWait(20);
            if (Fd.Poll(fd, events, null, 0, out _))
            {
                return;
            }
        }

        using CancellationTokenRegistration registration = Register(cancellationToken);
        while (true)
        {
            int left = Checked(deadline, cancellationToken, throwIfClosed);
            if (left == 0)
            {
                throw timeout();
            }

            if (Fd.Poll(fd, events, _wake, left, out bool woken))
            {
                return;
            }

            if (woken)
            {
                Fd.DrainEvent(_wake);
            }
            else if (deadline.HasExpired)
            {
                throw timeout();
            }
        }
    }

    /// <summary>What every round of a wait checks first (Ctrl+C, Close), and the milliseconds left: 0 once the deadline passed.</summary>
    private static int Checked(Deadline deadline, CancellationToken cancellationToken, Action throwIfClosed)
    {
        cancellationToken.ThrowIfCancellationRequested();
        throwIfClosed();
        return deadline.RemainingMilliseconds();
    }

    /// <summary>
    /// Sleeps up to <paramref name="milliseconds"/> (for mechanisms with nothing to poll, such as System V queues),
    /// returning early when woken; throws on cancellation.
    /// </summary>
    public void Sleep(int milliseconds, CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration registration = Register(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (Fd.Poll(_wake, Fd.POLLIN, null, milliseconds, out _))
        {
            Fd.DrainEvent(_wake);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Waits until one of <paramref name="fds"/> is readable (or hung up); fills <paramref name="ready"/>. Returns
    /// false when the deadline passed first; throws on cancellation and once the channel is closed.
    /// </summary>
    public bool WaitAny(
        System.Collections.Generic.IReadOnlyList<SafeFd> fds,
        Span<bool> ready,
        Deadline deadline,
        CancellationToken cancellationToken,
        Action throwIfClosed)
    {
        using CancellationTokenRegistration registration = Register(cancellationToken);
        while (true)
        {
            int left = Checked(deadline, cancellationToken, throwIfClosed);
            if (left == 0)
            {
                return false;
            }

            bool woken = Fd.PollMany(fds, Fd.POLLIN, _wake, left, ready);
            if (woken)
            {
                Fd.DrainEvent(_wake);
                continue;
            }

            foreach (bool r in ready)
            {
                if (r)
                {
                    return true;
                }
            }

            if (deadline.HasExpired)
            {
                return false;
            }
        }
    }

    private CancellationTokenRegistration Register(CancellationToken cancellationToken) => cancellationToken.CanBeCanceled
        ? cancellationToken.Register(static state => Fd.SignalEvent((SafeFd)state!), _wake)
        : default;
}

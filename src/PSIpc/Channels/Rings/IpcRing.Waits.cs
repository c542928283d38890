using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>How the ring waits: for a token of its semaphores, and for a slot whose owner is still at work.</summary>
public sealed unsafe partial class IpcRing
{
    /// <summary>
    /// A producer's wait for its slot to be freed by the previous round's consumer; then it owns the slot (Writing).
    /// False when a consumer skipped the position meanwhile. A dead consumer's slot is taken over; a live one's never;
    /// the wait honours the deadline, Ctrl+C and Close, and on leaving marks the claim given up so consumers skip it.
    /// </summary>
    private bool WaitForFreeSlot(byte* slot, long pos, int claim, Deadline deadline, CancellationToken cancellationToken)
    {
        long previous = pos - Slots;
        var wait = new SlotWait(this, deadline, cancellationToken, sending: true);
        while (true)
        {
            long seq = Volatile.Read(ref *(long*)slot);
            if (seq == pos && Interlocked.CompareExchange(ref *(long*)slot, pos | Writing, pos) == pos)
            {
                return true;
            }

            if ((seq & ~Flags) > pos)
            {
                return false;
            }

            if ((seq & ~Reading) == previous + 1 && wait.ShouldCheckOwner() && Volatile.Read(ref *(long*)(_base + OffDequeue)) > previous)
            {
                Holder reader = HolderOf(OffReaderClaims, previous, out int index);
                bool takeOver = reader switch
                {
                    Holder.Dead => wait.Elapsed > System.Diagnostics.Stopwatch.Frequency / 10,
                    Holder.Unknown or Holder.GaveUp => !IsOrphan(previous) && wait.Elapsed > AbandonTicks,
                    _ => false,
                };
                if (takeOver && Interlocked.CompareExchange(ref *(long*)slot, pos | Writing, seq) == seq)
                {
                    ClearClaim(OffReaderClaims, index, previous);
                    return true;
                }
            }

            if (!wait.Pause(out Exception? stop))
            {
                MarkGaveUp(OffWriterClaims, claim);
                throw stop!;
            }
        }
    }

    /// <summary>
    /// A consumer's wait for the message at its position; then it owns the slot (Reading). A dead or departed
    /// producer's position is a hole, freed here; a live producer's is waited for within the deadline, and on leaving
    /// the position goes to the next consumer.
    /// </summary>
    private SlotState WaitForMessage(byte* slot, long pos, int claim, Deadline deadline, CancellationToken cancellationToken)
    {
        var wait = new SlotWait(this, deadline, cancellationToken, sending: false);
        while (true)
        {
            long seq = Volatile.Read(ref *(long*)slot);
            if (seq == pos + 1 && Interlocked.CompareExchange(ref *(long*)slot, (pos + 1) | Reading, pos + 1) == pos + 1)
            {
                return SlotState.Published;
            }

            if ((seq & ~Flags) > pos + 1)
            {
                return SlotState.Lost;
            }

            if ((seq & ~Writing) == pos && wait.ShouldCheckOwner())
            {
                Holder writer = HolderOf(OffWriterClaims, pos, out int index);
                bool skip = writer switch
                {
                    Holder.GaveUp => true,
                    Holder.Dead => wait.Elapsed > System.Diagnostics.Stopwatch.Frequency / 10,
                    Holder.Unknown => seq == pos && wait.Elapsed > AbandonTicks,
                    _ => false,
                };
                if (skip && Interlocked.CompareExchange(ref *(long*)slot, pos + Slots, seq) == seq)
                {
                    ClearClaim(OffWriterClaims, index, pos);
                    return SlotState.Hole;
                }
            }

            if (!wait.Pause(out Exception? stop))
            {
                GiveUpPosition(pos, claim);
                throw stop!;
            }
        }
    }

    /// <summary>Takes a token from the semaphore at <paramref name="offset"/>: at once, or in slices that
    /// honour the deadline and Ctrl+C.</summary>
    private bool Take(int offset, bool noWait, Deadline deadline, CancellationToken cancellationToken, Func<IpcTimeoutException> timeout)
    {
        ThrowIfClosed();
        var sem = (IntPtr)(_base + offset);
        if (Semaphores.TryWait(sem))
        {
            return true;
        }

        if (noWait)
        {
            return false;
        }

        // The other side is usually a few microseconds away: spin briefly before sleeping in the kernel, unless this
        // process may run on one CPU only, where spinning takes the very time the other side needs (a round trip
        // pinned to one CPU took 163 µs with the spin and C's 4 µs ring needs none).
        for (int spin = 0; CanSpin && spin < SpinTries; spin++)
        {
            Thread.SpinWait(30);
            if (Semaphores.TryWait(sem))
            {
                return true;
            }
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfClosed();
            int left = deadline.RemainingMilliseconds();
            if (left == 0)
            {
                throw timeout();
            }

            if (Semaphores.TimedWait(sem, left < 0 ? Slice : Math.Min(Slice, left)))
            {
                return true;
            }
        }
    }

    private enum SlotState
    {
        Published,
        Hole,
        Lost,
    }

    /// <summary>
    /// The wait of one process for another's slot: a short spin, then yields, then 1 ms sleeps (a stopped peer costs
    /// the others no CPU); the deadline, Ctrl+C and Close end it. Owners are checked every 256 rounds once spinning ends.
    /// </summary>
    private struct SlotWait
    {
        private readonly IpcRing _ring;
        private readonly Deadline _deadline;
        private readonly CancellationToken _cancellation;
        private readonly bool _sending;
        private long _start;
        private int _rounds;

        public SlotWait(IpcRing ring, Deadline deadline, CancellationToken cancellation, bool sending)
        {
            _ring = ring;
            _sending = sending;
            _deadline = deadline;
            _cancellation = cancellation;
            _start = 0;
            _rounds = 0;
        }

        /// <summary>Ticks since the wait left its spin.</summary>
        public readonly long Elapsed => _start == 0 ? 0 : System.Diagnostics.Stopwatch.GetTimestamp() - _start;

        public readonly bool ShouldCheckOwner() => _rounds >= 1000 && ((_rounds & 0xFF) == 0 || _rounds > 1200);

        public bool Pause(out Exception? stop)
        {
            stop = null;
            _rounds++;
            if (_rounds < 1000)
            {
                Thread.SpinWait(20);
                return true;
            }

            if (_start == 0)
            {
                _start = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            if (_cancellation.IsCancellationRequested)
            {
                stop = new OperationCanceledException(_cancellation);
                return false;
            }

            if (!_ring.IsOpen)
            {
                stop = new ObjectDisposedException(_ring.ToString(), "The ring was closed.");
                return false;
            }

            if (_deadline.RemainingMilliseconds() == 0)
            {
                stop = _sending
                    ? new IpcTimeoutException("SendTimeout",
                        $"The ring {_ring.Name} waited {_deadline.Timeout} for a consumer that holds the slot this "
                        + "message needs and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). "
                        + "This message was not sent; resume that process (kill -CONT), or raise -Timeout.")
                    : new IpcTimeoutException("ReceiveTimeout",
                        $"The ring {_ring.Name} waited {_deadline.Timeout} for a producer that is writing the next "
                        + "message and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). That "
                        + "message is not lost: the next receive gets it. Resume that process (kill -CONT), or raise "
                        + "-Timeout.");
                return false;
            }

            if (_rounds < 1200)
            {
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(1);
            }

            return true;
        }
    }
}

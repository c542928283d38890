using System;
using System.Diagnostics;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>How the ring waits: a short spin, then sleeps on an eventcount in the header that the other side wakes.</summary>
public sealed unsafe partial class IpcRing
{
    private const int SpinRounds = 200;

    private static readonly bool CanSpin = Environment.ProcessorCount > 1;
    private static readonly long AbandonTicks = Stopwatch.Frequency * 5;

    /// <summary>
    /// Wakes the side that sleeps on the eventcount at <paramref name="offset"/>, if any: after a slot was published
    /// or freed. The fence orders that store before the read of the sleepers' count, as a sleeper counts itself in
    /// before it looks at the slots once more (so one of the two always sees the other); with no sleeper this costs
    /// the fence and a read, and no system call. A sleeper killed with SIGKILL never counts itself out: when 64
    /// wakes in a row found no one asleep, the dead are counted out of the sleepers' table (see <see cref="RingWait"/>).
    /// </summary>
    private void Wake(int offset)
    {
        int* eventcount = (int*)(_base + offset);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref eventcount[1]) != 0)
        {
            Interlocked.Increment(ref eventcount[0]);
            ref int empty = ref offset == OffItems ? ref _emptyWakes : ref _emptySpaceWakes;
            if (Futex.WakeAll(eventcount) > 0)
            {
                empty = 0;
            }
            else if (++empty >= 64)
            {
                empty = 0;
                CountOutDeadSleepers(eventcount, (int*)(_base + offset + SleeperTable));
            }
        }
    }

    /// <summary>Takes the entries of dead processes out of a sleepers' table, and their count out of the eventcount.
    /// Only a dead process's entries are touched, so a live sleeper's count stays exact.</summary>
    private static void CountOutDeadSleepers(int* eventcount, int* sleepers)
    {
        for (int i = 0; i < SleeperSlots; i++)
        {
            int pid = Volatile.Read(ref sleepers[i]);
            if (pid != 0 && !SignalsNative.ProcessExists(pid) && Interlocked.CompareExchange(ref sleepers[i], 0, pid) == pid)
            {
                Interlocked.Decrement(ref eventcount[1]);
            }
        }
    }

    /// <summary>
    /// One process's wait for the ring to change: <see cref="SpinRounds"/> short spins (not with one CPU, where spinning
    /// takes the very time the other side needs: a round trip pinned to one CPU took 163 µs with a spin), then sleeps
    /// on the eventcount, in slices, so the deadline, Ctrl+C and Close end it and a dead owner is noticed. Before a
    /// sleep the waiter counts itself in and its caller looks at the slots once more, so no wake is missed.
    /// </summary>
    private struct RingWait
    {
        private readonly IpcRing _ring;
        private readonly int* _eventcount;
        private readonly int* _sleepers;
        private readonly Deadline _deadline;
        private readonly CancellationToken _cancellation;
        private int _rounds;
        private int _ticket;
        private bool _counted;
        private int _entry;
        private long _checkedAt;
        private long _watchedPos;
        private long _watchedSeq;
        private long _watchedSince;

        public RingWait(IpcRing ring, int offset, Deadline deadline, CancellationToken cancellation)
        {
            _ring = ring;
            _eventcount = (int*)(ring._base + offset);
            _sleepers = (int*)(ring._base + offset + SleeperTable);
            _deadline = deadline;
            _cancellation = cancellation;
            _rounds = CanSpin ? 0 : SpinRounds;
            _ticket = 0;
            _counted = false;
            _entry = -1;
            _checkedAt = 0;
            _watchedPos = -1;
            _watchedSeq = -1;
            _watchedSince = 0;
        }

        public enum Reason
        {
            Full,
            ConsumerHolds,
            Empty,
            ProducerHolds,
        }

        /// <summary>Whether to look at the owner of the slot waited for: once spinning is over, once per tick of the
        /// coarse clock.</summary>
        public bool ShouldCheckOwner()
        {
            if (_rounds < SpinRounds)
            {
                return false;
            }

            long now = Environment.TickCount64;
            if (now == _checkedAt)
            {
                return false;
            }

            _checkedAt = now;
            return true;
        }

        /// <summary>Ticks since this wait first saw the slot of <paramref name="pos"/> with the sequence <paramref name="seq"/>:
        /// how long its owner has not moved, as far as this process knows.</summary>
        public long Unmoved(long pos, long seq)
        {
            long now = Stopwatch.GetTimestamp();
            if (pos != _watchedPos || seq != _watchedSeq)
            {
                _watchedPos = pos;
                _watchedSeq = seq;
                _watchedSince = now;
            }

            return now - _watchedSince;
        }

        /// <summary>Waits a little; throws when the deadline passed, Ctrl+C was pressed or the ring was closed.</summary>
        public void Pause(Reason reason)
        {
            if (_rounds < SpinRounds)
            {
                _rounds++;
                Thread.SpinWait(20);
                return;
            }

            if (_cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException(_cancellation);
            }

            if (!_ring.IsOpen)
            {
                throw new ObjectDisposedException(_ring.ToString(), "The ring was closed.");
            }

            int left = _deadline.RemainingMilliseconds();
            if (left == 0)
            {
                throw TimedOut(reason);
            }

            if (!_counted)
            {
                // Count in first; the caller looks once more before the sleep, which ends at once if a wake came between.
                // The entry with this process's id lets the others count it out if it is killed asleep.
                _ticket = Volatile.Read(ref _eventcount[0]);
                int pid = _ring._pid;
                for (int i = 0; i < SleeperSlots && _entry < 0; i++)
                {
                    if (Interlocked.CompareExchange(ref _sleepers[i], pid, 0) == 0)
                    {
                        _entry = i;
                    }
                }

                Interlocked.Increment(ref _eventcount[1]);
                _counted = true;
                return;
            }

            Futex.Wait(_eventcount, _ticket, left < 0 ? Slice : Math.Min(Slice, left));
            Leave();
        }

        /// <summary>Counts this waiter out of the eventcount, when it counted itself in.</summary>
        public void Leave()
        {
            if (_counted)
            {
                // Entry first, then count: one who counts the dead out never sees this entry with the count gone.
                if (_entry >= 0)
                {
                    Volatile.Write(ref _sleepers[_entry], 0);
                    _entry = -1;
                }

                Interlocked.Decrement(ref _eventcount[1]);
                _counted = false;
            }
        }

        private readonly IpcTimeoutException TimedOut(Reason reason) => reason switch
        {
            Reason.Full => new IpcTimeoutException("SendTimeout",
                $"The ring {_ring.Name} stayed full for {_deadline.Timeout}: no one is receiving. Start a consumer, "
                + "or raise -Timeout."),
            Reason.ConsumerHolds => new IpcTimeoutException("SendTimeout",
                $"The ring {_ring.Name} waited {_deadline.Timeout} for a consumer that holds the slot this message "
                + "needs and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). This message was "
                + "not sent; resume that process (kill -CONT), or raise -Timeout."),
            Reason.ProducerHolds => new IpcTimeoutException("ReceiveTimeout",
                $"The ring {_ring.Name} waited {_deadline.Timeout} for a producer that is writing the next message "
                + "and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). That message is not "
                + "lost: the next receive gets it. Resume that process (kill -CONT), or raise -Timeout."),
            _ => new IpcTimeoutException("ReceiveTimeout",
                $"No message arrived in the ring {_ring.Name} within {_deadline.Timeout}. Check that a producer is "
                + "running, or raise -Timeout."),
        };
    }
}

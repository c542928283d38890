using System;
using System.Runtime.InteropServices;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A bounded ring buffer in POSIX shared memory: the seeds' producer-consumer with process-shared synchronization,
/// for several producers and several consumers at once. Slots follow Vyukov's bounded MPMC queue (a sequence number
/// per slot, positions claimed with an atomic increment); two process-shared semaphores in the header count full and
/// free slots, so a producer waits while the ring is full and a consumer while it is empty, without spinning.
/// <para>
/// Each claim of a slot is recorded in the slot as (process id, round), so the others can tell a slow owner from a
/// dead one. A slot whose owner is alive (running, stopped with SIGSTOP, or slow) is never taken over: the others
/// wait for it, within their own -Timeout. A dead owner's slot is recovered: a producer killed before publishing
/// leaves a hole that consumers skip; a consumer killed while reading loses that one message, and the next producer
/// frees the slot. A producer that times out gives its position up (consumers skip it: its message was not sent);
/// a consumer that times out after claiming a position hands the position to the next consumer (an orphan table in
/// the header), so the message is still delivered exactly once. Only a process stopped or killed in the two
/// instructions between claiming a position and recording the claim is treated as dead after 5 seconds.
/// </para>
/// </summary>
public sealed unsafe class IpcRing : IpcChannel
{
    private const ulong Magic = 0x474E5243_50495350; // "PSIPCRNG" little-endian
    private const int Version = 2;
    private const int OffCapacity = 12;
    private const int OffSlotSize = 16;
    private const int OffMessageSize = 20;
    private const int OffReady = 24;
    private const int OffEnqueue = 64;
    private const int OffDequeue = 128;
    private const int OffItems = 192;
    private const int OffOrphanCount = 224;
    private const int OffSpaces = 256;
    private const int OffOrphans = 320; // positions + 1 that a consumer gave up on (0: empty), for the next consumer
    private const int OrphanSlots = 16;
    private const int ClaimSlots = 64; // per table: (position + 1, process id) of every claim in progress, a cache line each
    private const int ClaimStride = 8; // longs: entries of different processes never share a cache line
    private const int OffWriterClaims = 448;
    private const int OffReaderClaims = OffWriterClaims + (ClaimSlots * ClaimStride * 8);
    private const int OffSlots = OffReaderClaims + (ClaimSlots * ClaimStride * 8);
    private const int SlotHeader = 64; // seq, length, encoding: a cache line of its own, so payloads are 64-byte aligned
    private const int OffLength = 8;
    private const int OffEncoding = 12;
    private const int GaveUp = -1; // the process id of a claim its owner gave up
    private const long Writing = 1L << 62; // seq flags: the slot's producer or consumer owns it now; no one else touches it
    private const long Reading = 1L << 61;
    private const long Flags = Writing | Reading;
    private const int Slice = 50;
    private const int SpinTries = 100;

    private static readonly bool CanSpin = Environment.ProcessorCount > 1;
    private static readonly long AbandonTicks = System.Diagnostics.Stopwatch.Frequency * 5;
    private static readonly long SizeCheckTicks = System.Diagnostics.Stopwatch.Frequency / 1000;

    private readonly IpcSharedMemory _region;
    private readonly byte* _base;
    private readonly long _mask;
    private readonly int _slotSize;
    private readonly int _pid = Environment.ProcessId;
    private int _active;
    private long _sizeCheckedAt;

    private IpcRing(string name, IpcSharedMemory region)
        : base(IpcFraming.Message)
    {
        Name = name;
        _region = region;
        Span<byte> all = region.AsSpan(0, OffSlots);
        fixed (byte* p = all)
        {
            _base = p;
        }

        if (*(ulong*)_base != Magic || *(int*)(_base + 8) != Version)
        {
            throw new ArgumentException($"'{name}' is shared memory but not a PSIpc ring (version {Version}): a ring made by an older PSIpc, or another program's object. Make the ring again with New-IpcRing.");
        }

        Capacity = *(int*)(_base + OffCapacity);
        _slotSize = *(int*)(_base + OffSlotSize);
        MessageSize = *(int*)(_base + OffMessageSize);
        _mask = Capacity - 1;
        if (region.Size < OffSlots + ((long)Capacity * _slotSize))
        {
            throw new ArgumentException($"The ring '{name}' is smaller than its header says: it was truncated, or is not a ring.");
        }

        ChannelRegistry.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "Ring";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Both;

    /// <summary>How many messages the ring holds (a power of two).</summary>
    public int Capacity { get; }

    /// <summary>The largest message payload in bytes.</summary>
    public int MessageSize { get; }

    /// <summary>Messages in the ring now (published or being written).</summary>
    public long Count => Math.Max(0, Volatile.Read(ref *(long*)(_base + OffEnqueue)) - Volatile.Read(ref *(long*)(_base + OffDequeue)));

    /// <summary>The backing POSIX shared memory object, /dev/shm/NAME.</summary>
    public string SharedMemoryPath => "/dev/shm" + Name;

    /// <summary>Creates a ring of <paramref name="capacity"/> messages (rounded up to a power of two) of at most <paramref name="messageSize"/> bytes.</summary>
    public static IpcRing Create(string name, int capacity, int messageSize, uint mode = 0x180)
    {
        if (capacity < 1 || capacity > (1 << 24))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), $"A ring holds 1 to {1 << 24} messages; {capacity} is not.");
        }

        if (messageSize < 1 || messageSize > (64 << 20))
        {
            throw new ArgumentOutOfRangeException(nameof(messageSize), $"A ring message is 1 byte to 64 MiB; {messageSize} is not.");
        }

        int slots = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        int slotSize = (SlotHeader + messageSize + 63) & ~63;
        long size = OffSlots + ((long)slots * slotSize);
        IpcSharedMemory region = IpcSharedMemory.CreatePosix(name, size, mode);
        try
        {
            byte* b = (byte*)Unsafe(region);
            *(int*)(b + 8) = Version;
            *(int*)(b + OffCapacity) = slots;
            *(int*)(b + OffSlotSize) = slotSize;
            *(int*)(b + OffMessageSize) = messageSize;
            Semaphores.Init((IntPtr)(b + OffItems), processShared: true, 0);
            Semaphores.Init((IntPtr)(b + OffSpaces), processShared: true, (uint)slots);
            for (long i = 0; i < slots; i++)
            {
                *(long*)(b + OffSlots + (i * slotSize)) = i;
            }

            Volatile.Write(ref *(int*)(b + OffReady), 1);
            Volatile.Write(ref *(ulong*)b, Magic);
            return new IpcRing(name, region);
        }
        catch
        {
            region.Remove();
            throw;
        }
    }

    /// <summary>Opens an existing ring.</summary>
    public static IpcRing Connect(string name)
    {
        IpcSharedMemory region = IpcSharedMemory.ConnectPosix(name);
        try
        {
            return new IpcRing(name, region);
        }
        catch
        {
            region.Dispose();
            throw;
        }
    }

    /// <summary>Removes the ring's shared memory (shm_unlink) and closes this end; other processes keep theirs until they close.</summary>
    public void Remove()
    {
        SharedMemoryNative.ShmUnlink(Name!);
        Dispose();
    }

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.NoWaitSend;

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait)
    {
        Enter();
        try
        {
            SendSlot(payload, encoding, wait.NoWait, wait.Deadline, wait.Cancel);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Enter();
        try
        {
            return ReceiveSlot(wait.NoWait, wait.Deadline, wait.Cancel);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private void SendSlot(ReadOnlySpan<byte> payload, IpcEncoding encoding, bool noWait, Deadline deadline, CancellationToken cancellationToken)
    {
        if (payload.Length > MessageSize)
        {
            throw new ArgumentException($"The message is {payload.Length} bytes and the ring {Name} takes at most {MessageSize} bytes per message (-MessageSize when it was made).");
        }

        while (true)
        {
            if (!Take(OffSpaces, noWait, deadline, cancellationToken, () => new IpcTimeoutException("SendTimeout", $"The ring {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a consumer, or raise -Timeout.")))
            {
                throw new NativeException("sem_trywait", Errno.EAGAIN, $"The ring {Name} is full ({Capacity} messages).");
            }

            CheckRegion();
            long pos = Interlocked.Increment(ref *(long*)(_base + OffEnqueue)) - 1;
            byte* slot = Slot(pos);
            int claim = Register(OffWriterClaims, pos);
            if (!WaitForFreeSlot(slot, pos, claim, deadline, cancellationToken))
            {
                // A consumer skipped this position, taking this process for dead (see the class notes): claim anew.
                Unregister(OffWriterClaims, claim);
                continue;
            }

            *(int*)(slot + OffLength) = payload.Length;
            slot[OffEncoding] = (byte)encoding;
            payload.CopyTo(new Span<byte>(slot + SlotHeader, payload.Length));
            Volatile.Write(ref *(long*)slot, pos + 1);
            Semaphores.Post((IntPtr)(_base + OffItems));
            Unregister(OffWriterClaims, claim);
            return;
        }
    }

    /// <summary>
    /// Receives the next message's payload into <paramref name="destination"/> without allocating: the payload length,
    /// or -1 when <paramref name="noWait"/> found the ring empty. For .NET callers that want the ring's full speed.
    /// </summary>
    public int ReceiveInto(Span<byte> destination, TimeSpan? timeout = null, bool noWait = false, CancellationToken cancellationToken = default)
    {
        if (destination.Length < MessageSize)
        {
            throw new ArgumentException($"The buffer holds {destination.Length} bytes; the ring's messages can be {MessageSize}.", nameof(destination));
        }

        Enter();
        try
        {
            byte[]? unused = null;
            RawMessage? raw = ReceiveSlot(noWait, Deadline.After(timeout), cancellationToken, destination, ref unused);
            return raw?.Length ?? -1;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private RawMessage? ReceiveSlot(bool noWait, Deadline deadline, CancellationToken cancellationToken)
    {
        byte[]? payload = null;
        return ReceiveSlot(noWait, deadline, cancellationToken, Span<byte>.Empty, ref payload);
    }

    /// <summary>Takes one message; copies it into <paramref name="into"/> when given, else into a new array.</summary>
    private RawMessage? ReceiveSlot(bool noWait, Deadline deadline, CancellationToken cancellationToken, Span<byte> into, ref byte[]? payload)
    {
        while (true)
        {
            if (!Take(OffItems, noWait, deadline, cancellationToken, () => new IpcTimeoutException("ReceiveTimeout", $"No message arrived in the ring {Name} within {deadline.Timeout}. Check that a producer is running, or raise -Timeout.")))
            {
                return null;
            }

            CheckRegion();
            bool adopted = TryAdoptOrphan(out long pos);
            bool lost = false;
            while (!lost)
            {
                if (!adopted)
                {
                    pos = Interlocked.Increment(ref *(long*)(_base + OffDequeue)) - 1;
                }

                adopted = false;
                byte* slot = Slot(pos);
                int claim = Register(OffReaderClaims, pos);
                switch (WaitForMessage(slot, pos, claim, deadline, cancellationToken))
                {
                    case SlotState.Hole:
                        // A producer died or gave up before publishing; the slot is freed: take the next position, our item token is still ours.
                        Unregister(OffReaderClaims, claim);
                        Semaphores.Post((IntPtr)(_base + OffSpaces));
                        continue;
                    case SlotState.Lost:
                        // A producer took this slot over, taking this process for dead: that message is gone, and with it our token.
                        Unregister(OffReaderClaims, claim);
                        lost = true;
                        continue;
                }

                int length = *(int*)(slot + OffLength);
                var encoding = (IpcEncoding)slot[OffEncoding];
                if ((uint)length > (uint)MessageSize || (byte)encoding > (byte)IpcEncoding.Json)
                {
                    Free(slot, pos);
                    Unregister(OffReaderClaims, claim);
                    throw new IpcProtocolException("RingSlotInvalid", $"A slot of the ring {Name} holds an impossible length ({length}) or encoding; the message was discarded.");
                }

                var source = new ReadOnlySpan<byte>(slot + SlotHeader, length);
                if (into.IsEmpty)
                {
                    payload = source.ToArray();
                }
                else
                {
                    source.CopyTo(into);
                    payload = Array.Empty<byte>();
                }

                Free(slot, pos);
                Unregister(OffReaderClaims, claim);
                return new RawMessage(payload, length, encoding);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Operations in progress see the channel closed within one wait slice; unmap only after they have left.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref _active) > 0 && watch.ElapsedMilliseconds < 10_000)
            {
                Thread.Sleep(1);
            }

            _region.Dispose();
        }
    }

    private void Enter()
    {
        Interlocked.Increment(ref _active);
        if (!IsOpen)
        {
            Interlocked.Decrement(ref _active);
            ThrowIfClosed();
        }

        try
        {
            CheckRegion();
        }
        catch
        {
            Interlocked.Decrement(ref _active);
            throw;
        }
    }

    /// <summary>
    /// A peer that shrinks the object must get an error, not a SIGBUS that ends the session: its size is checked
    /// (fstat) before slots are touched, at most once a millisecond, so a tight loop pays for no system call per message.
    /// </summary>
    private void CheckRegion()
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (now - Volatile.Read(ref _sizeCheckedAt) > SizeCheckTicks)
        {
            _region.CheckNotTruncated(_region.Size);
            Volatile.Write(ref _sizeCheckedAt, now);
        }
    }

    private static IntPtr Unsafe(IpcSharedMemory region)
    {
        fixed (byte* p = region.AsSpan(0, OffSlots))
        {
            return (IntPtr)p;
        }
    }

    private byte* Slot(long pos) => _base + OffSlots + ((pos & _mask) * _slotSize);

    /// <summary>Hands the slot read (or skipped) at <paramref name="pos"/> to the producer of the next round.</summary>
    private void Free(byte* slot, long pos)
    {
        Volatile.Write(ref *(long*)slot, pos + Capacity);
        Semaphores.Post((IntPtr)(_base + OffSpaces));
    }

    /// <summary>Records (position, this process) in a claims table; the entry's index, or -1 when the table is full.</summary>
    private int Register(int table, long pos)
    {
        long* t = (long*)(_base + table);
        int start = (int)((uint)(_pid * 31 + Environment.CurrentManagedThreadId) % ClaimSlots);
        for (int k = 0; k < ClaimSlots; k++)
        {
            int i = (start + k) % ClaimSlots;
            if (Volatile.Read(ref t[i * ClaimStride]) == 0 && Interlocked.CompareExchange(ref t[i * ClaimStride], pos + 1, 0) == 0)
            {
                Volatile.Write(ref t[(i * ClaimStride) + 1], _pid);
                return i;
            }
        }

        return -1;
    }

    private void Unregister(int table, int index)
    {
        if (index >= 0)
        {
            long* t = (long*)(_base + table);
            Volatile.Write(ref t[(index * ClaimStride) + 1], 0);
            Volatile.Write(ref t[index * ClaimStride], 0);
        }
    }

    /// <summary>Marks this process's claim as given up, so the others need not wait for it.</summary>
    private void MarkGaveUp(int table, int index)
    {
        if (index >= 0)
        {
            Volatile.Write(ref ((long*)(_base + table))[(index * ClaimStride) + 1], GaveUp);
        }
    }

    /// <summary>Who holds the claim on <paramref name="pos"/> in a claims table, and where (-1 when unknown).</summary>
    private Holder HolderOf(int table, long pos, out int index)
    {
        long* t = (long*)(_base + table);
        for (int i = 0; i < ClaimSlots; i++)
        {
            if (Volatile.Read(ref t[i * ClaimStride]) != pos + 1)
            {
                continue;
            }

            long pid = Volatile.Read(ref t[(i * ClaimStride) + 1]);
            if (Volatile.Read(ref t[i * ClaimStride]) != pos + 1 || pid == 0)
            {
                break;
            }

            index = i;
            if (pid == GaveUp)
            {
                return Holder.GaveUp;
            }

            return pid == _pid || SignalsNative.ProcessExists((int)pid) ? Holder.Alive : Holder.Dead;
        }

        index = -1;
        return Holder.Unknown;
    }

    /// <summary>Clears another process's entry for <paramref name="pos"/> once its claim was recovered.</summary>
    private void ClearClaim(int table, int index, long pos)
    {
        if (index >= 0)
        {
            long* t = (long*)(_base + table);
            long pid = Volatile.Read(ref t[(index * ClaimStride) + 1]);
            if (Interlocked.CompareExchange(ref t[(index * ClaimStride) + 1], 0, pid) == pid)
            {
                Interlocked.CompareExchange(ref t[index * ClaimStride], 0, pos + 1);
            }
        }
    }

    /// <summary>
    /// A producer's wait for its slot to be freed by the previous round's consumer; then it owns the slot (Writing).
    /// False when a consumer skipped the position meanwhile. A dead consumer's slot is taken over; a live one's never;
    /// the wait honours the deadline, Ctrl+C and Close, and on leaving marks the claim given up so consumers skip it.
    /// </summary>
    private bool WaitForFreeSlot(byte* slot, long pos, int claim, Deadline deadline, CancellationToken cancellationToken)
    {
        long previous = pos - Capacity;
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
                if (skip && Interlocked.CompareExchange(ref *(long*)slot, pos + Capacity, seq) == seq)
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

    /// <summary>A consumer leaving before its message came: the position goes to the next consumer, with the item token.</summary>
    private void GiveUpPosition(long pos, int claim)
    {
        long* orphans = (long*)(_base + OffOrphans);
        bool handedOn = false;
        for (int i = 0; i < OrphanSlots && !handedOn; i++)
        {
            if (Interlocked.CompareExchange(ref orphans[i], pos + 1, 0) == 0)
            {
                Interlocked.Increment(ref *(long*)(_base + OffOrphanCount));
                handedOn = true;
            }
        }

        if (handedOn)
        {
            Unregister(OffReaderClaims, claim);
        }
        else
        {
            // The orphan table is full: the message at this position will be lost; the next producer frees the slot.
            MarkGaveUp(OffReaderClaims, claim);
        }

        Semaphores.Post((IntPtr)(_base + OffItems));
    }

    private bool TryAdoptOrphan(out long pos)
    {
        pos = 0;
        if (Volatile.Read(ref *(long*)(_base + OffOrphanCount)) == 0)
        {
            return false;
        }

        long* orphans = (long*)(_base + OffOrphans);
        for (int i = 0; i < OrphanSlots; i++)
        {
            long entry = Volatile.Read(ref orphans[i]);
            if (entry != 0 && Interlocked.CompareExchange(ref orphans[i], 0, entry) == entry)
            {
                Interlocked.Decrement(ref *(long*)(_base + OffOrphanCount));
                pos = entry - 1;
                return true;
            }
        }

        return false;
    }

    private bool IsOrphan(long pos)
    {
        long* orphans = (long*)(_base + OffOrphans);
        for (int i = 0; i < OrphanSlots; i++)
        {
            if (Volatile.Read(ref orphans[i]) == pos + 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Takes a token from the semaphore at <paramref name="offset"/>: at once, or in slices that honour the deadline and Ctrl+C.</summary>
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

    private enum Holder
    {
        Unknown,
        Alive,
        Dead,
        GaveUp,
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
                    ? new IpcTimeoutException("SendTimeout", $"The ring {_ring.Name} waited {_deadline.Timeout} for a consumer that holds the slot this message needs and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). This message was not sent; resume that process (kill -CONT), or raise -Timeout.")
                    : new IpcTimeoutException("ReceiveTimeout", $"The ring {_ring.Name} waited {_deadline.Timeout} for a producer that is writing the next message and is alive but not moving (stopped with SIGSTOP or Ctrl+Z, or very slow). That message is not lost: the next receive gets it. Resume that process (kill -CONT), or raise -Timeout.");
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

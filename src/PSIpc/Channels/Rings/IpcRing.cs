using System;
using System.Runtime.InteropServices;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A bounded ring buffer in POSIX shared memory: the seeds' producer-consumer with process-shared synchronization,
/// for several producers and several consumers at once. Slots follow Vyukov's bounded MPMC queue (a sequence number
/// per slot, positions claimed with compare-and-swap); two process-shared semaphores in the header count full and
/// free slots, so a producer waits while the ring is full and a consumer while it is empty, without spinning.
/// <para>
/// A process killed mid-operation does not wedge the ring. A producer that claimed a slot and died before publishing
/// it leaves a hole: the consumer that reaches it sees the writer's process gone (or, if the writer never recorded
/// its id, the slot unpublished for 5 seconds) and skips it; that message is lost. A consumer that claimed a message
/// and died before freeing its slot: the producer that needs the slot next sees the reader gone and frees it; that
/// message is lost too. A process killed between its semaphore wait and its claim costs the ring one slot of
/// capacity until the ring is made again.
/// </para>
/// </summary>
public sealed unsafe class IpcRing : IpcChannel
{
    private const ulong Magic = 0x474E5243_50495350; // "PSIPCRNG" little-endian
    private const int Version = 1;
    private const int OffCapacity = 12;
    private const int OffSlotSize = 16;
    private const int OffMessageSize = 20;
    private const int OffReady = 24;
    private const int OffEnqueue = 64;
    private const int OffDequeue = 128;
    private const int OffItems = 192;
    private const int OffSpaces = 256;
    private const int OffSlots = 320;
    private const int SlotHeader = 64; // seq, length, encoding, flags, writer and reader ids: a cache line of its own, so payloads are 64-byte aligned
    private const int Slice = 50;
    private const int SpinTries = 100;

    private static readonly bool CanSpin = Environment.ProcessorCount > 1;
    private static readonly long AbandonTicks = System.Diagnostics.Stopwatch.Frequency * 5;

    private readonly IpcSharedMemory _region;
    private readonly byte* _base;
    private readonly long _mask;
    private readonly int _slotSize;
    private readonly int _pid = Environment.ProcessId;
    private int _active;

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
            throw new ArgumentException($"'{name}' is shared memory but not a PSIpc ring (version {Version}).", nameof(name));
        }

        Capacity = *(int*)(_base + OffCapacity);
        _slotSize = *(int*)(_base + OffSlotSize);
        MessageSize = *(int*)(_base + OffMessageSize);
        _mask = Capacity - 1;
        if (region.Size < OffSlots + ((long)Capacity * _slotSize))
        {
            throw new ArgumentException($"The ring '{name}' is smaller than its header says.", nameof(name));
        }

        ChannelRegistry.Track(this);
    }

    /// <inheritdoc/>
    public override IpcChannelKind Kind => IpcChannelKind.Ring;

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

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            SendSlot(payload, encoding, options, deadline, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private protected override RawMessage? ReceiveCore(MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            return ReceiveSlot(options, deadline, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private void SendSlot(ReadOnlySpan<byte> payload, IpcEncoding encoding, MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
        if (payload.Length > MessageSize)
        {
            throw new ArgumentException($"The message is {payload.Length} bytes and the ring {Name} takes at most {MessageSize} bytes per message (-MessageSize when it was made).");
        }

        if (!Take(OffSpaces, options.NoWait, deadline, cancellationToken, () => new IpcTimeoutException("SendTimeout", $"The ring {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a consumer, or raise -Timeout.")))
        {
            throw new NativeException("sem_trywait", Errno.EAGAIN, $"The ring {Name} is full ({Capacity} messages).");
        }

        _region.CheckNotTruncated(_region.Size);

        long pos = Interlocked.Increment(ref *(long*)(_base + OffEnqueue)) - 1;
        byte* slot = Slot(pos);
        long spin = 0;
        long waitStart = 0;
        while (Volatile.Read(ref *(long*)slot) != pos)
        {
            // The consumer of the previous round is still copying out of this slot, or died doing it.
            RecoverAbandonedRead(slot, pos, ref spin, ref waitStart);
        }

        *(int*)(slot + 16) = _pid;
        *(int*)(slot + 8) = payload.Length;
        slot[12] = (byte)encoding;
        slot[13] = 0;
        payload.CopyTo(new Span<byte>(slot + SlotHeader, payload.Length));
        Volatile.Write(ref *(long*)slot, pos + 1);
        Semaphores.Post((IntPtr)(_base + OffItems));
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
            RawMessage? raw = ReceiveSlot(new MessageOptions(0, null, noWait), Deadline.After(timeout), cancellationToken, destination, ref unused);
            return raw?.Length ?? -1;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private RawMessage? ReceiveSlot(MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
        byte[]? payload = null;
        return ReceiveSlot(options, deadline, cancellationToken, Span<byte>.Empty, ref payload);
    }

    /// <summary>Takes one message; copies it into <paramref name="into"/> when given, else into a new array.</summary>
    private RawMessage? ReceiveSlot(MessageOptions options, Deadline deadline, CancellationToken cancellationToken, Span<byte> into, ref byte[]? payload)
    {
        while (true)
        {
            if (!Take(OffItems, options.NoWait, deadline, cancellationToken, () => new IpcTimeoutException("ReceiveTimeout", $"No message arrived in the ring {Name} within {deadline.Timeout}. Check that a producer is running, or raise -Timeout.")))
            {
                return null;
            }

            _region.CheckNotTruncated(_region.Size);
            while (true)
            {
                long pos = Interlocked.Increment(ref *(long*)(_base + OffDequeue)) - 1;
                byte* slot = Slot(pos);
                long spin = 0;
                long waitStart = 0;
                bool skipped = false;
                while (Volatile.Read(ref *(long*)slot) != pos + 1)
                {
                    if (SkipAbandonedWrite(slot, pos, ref spin, ref waitStart))
                    {
                        skipped = true;
                        break;
                    }
                }

                if (skipped)
                {
                    // A dead producer's hole: free the slot and take the next position; our item token is still ours.
                    Free(slot, pos);
                    continue;
                }

                *(int*)(slot + 20) = _pid;
                int length = *(int*)(slot + 8);
                var encoding = (IpcEncoding)slot[12];
                if ((uint)length > (uint)MessageSize || (byte)encoding > (byte)IpcEncoding.Json)
                {
                    Free(slot, pos);
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
            // A peer that shrinks the object must get an error here, not a SIGBUS that ends the session.
            _region.CheckNotTruncated(_region.Size);
        }
        catch
        {
            Interlocked.Decrement(ref _active);
            throw;
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

    /// <summary>Hands the slot read at <paramref name="pos"/> to the producer of the next round, with no stale process ids in it.</summary>
    private void Free(byte* slot, long pos)
    {
        *(int*)(slot + 16) = 0;
        *(int*)(slot + 20) = 0;
        Volatile.Write(ref *(long*)slot, pos + Capacity);
        Semaphores.Post((IntPtr)(_base + OffSpaces));
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

    private bool SkipAbandonedWrite(byte* slot, long pos, ref long spin, ref long waitStart)
    {
        if (++spin < 1000)
        {
            Thread.SpinWait(20);
            return false;
        }

        Thread.Yield();
        if ((spin & 0xFF) != 0)
        {
            return false;
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (waitStart == 0)
        {
            waitStart = now;
        }

        int writer = Volatile.Read(ref *(int*)(slot + 16));
        bool claimedThisRound = Volatile.Read(ref *(long*)slot) == pos;
        if (!claimedThisRound)
        {
            return false;
        }

        // The writer id is from this round only once written after the claim; a dead id or a long silence means abandoned.
        return (writer != 0 && writer != _pid && !Fd.ProcessExists(writer) && now - waitStart > System.Diagnostics.Stopwatch.Frequency / 10)
            || now - waitStart > AbandonTicks;
    }

    private void RecoverAbandonedRead(byte* slot, long pos, ref long spin, ref long waitStart)
    {
        if (++spin < 1000)
        {
            Thread.SpinWait(20);
            return;
        }

        Thread.Yield();
        if ((spin & 0xFF) != 0)
        {
            return;
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (waitStart == 0)
        {
            waitStart = now;
        }

        long previous = pos - Capacity;
        int reader = Volatile.Read(ref *(int*)(slot + 20));
        bool readingPrevious = Volatile.Read(ref *(long*)slot) == previous + 1 && Volatile.Read(ref *(long*)(_base + OffDequeue)) > previous;
        if (readingPrevious && ((reader != 0 && reader != _pid && !Fd.ProcessExists(reader) && now - waitStart > System.Diagnostics.Stopwatch.Frequency / 10) || now - waitStart > AbandonTicks))
        {
            Interlocked.CompareExchange(ref *(long*)slot, pos, previous + 1);
        }
    }
}

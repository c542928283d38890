using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A bounded ring buffer in POSIX shared memory: the textbook bounded buffer with process-shared synchronization,
/// for several producers and several consumers at once. Slots follow Vyukov's bounded MPMC queue: a sequence number
/// per slot says whether it is free for the producer of a position or holds that position's message, and a position
/// is claimed with a compare-and-swap only once its slot is ready, so the fast path is a few atomic operations on
/// memory both sides touch anyway, with no system call and no semaphore. A side that finds the ring full (or empty)
/// spins briefly, then sleeps on a futex word in the header (an eventcount per direction); the other side calls
/// futex(2) to wake it only when someone sleeps there.
/// <para>
/// Each claim of a slot is recorded in the header, in a claim table per direction, as (position, process id), so the
/// others can tell a slow owner from a dead one. A slot whose owner is alive (running, stopped with SIGSTOP, or slow)
/// is never taken over: the others wait for it, within their own -Timeout. A dead owner's slot is recovered: a producer
/// killed before publishing leaves a hole that consumers skip; a consumer killed while reading loses that one message,
/// and the next producer frees the slot. As positions are claimed only when ready, a wait that times out or is
/// cancelled holds nothing: a producer's message was not sent, a consumer took nothing. Only a process stopped or
/// killed in the two instructions between claiming a position and recording the claim is treated as dead after 5 s.
/// </para>
/// </summary>
public sealed unsafe partial class IpcRing : IpcChannel
{
    private const ulong Magic = 0x474E5243_50495350; // "PSIPCRNG" little-endian
    private const int Version = 3;
    private const int OffCapacity = 12;
    private const int OffSlotSize = 16;
    private const int OffMessageSize = 20;
    private const int OffEnqueue = 64;
    private const int OffDequeue = 128;
    private const int OffItems = 192; // the consumers' eventcount: (ticket, sleepers), two ints; see Wake
    private const int OffSpaces = 256; // the producers' eventcount
    private const int SleeperTable = 128; // from an eventcount to its table of sleepers' process ids (16 ints)
    private const int SleeperSlots = 16;
    private const int ClaimSlots = 64; // per table: (position + 1, process id) of every claim in progress, a cache line each
    private const int ClaimStride = 8; // longs: entries of different processes never share a cache line
    private const int OffWriterClaims = 448;
    private const int OffReaderClaims = OffWriterClaims + (ClaimSlots * ClaimStride * 8);
    private const int OffSlots = OffReaderClaims + (ClaimSlots * ClaimStride * 8);
    private const int SlotHeader = 64; // seq, length, encoding: a cache line of its own, so payloads are 64-byte aligned
    private const int OffLength = 8;
    private const int OffEncoding = 12;
    private const int GaveUpLength = -1; // the length of a slot whose producer gave it up (SendInPlace's writer threw)
    private const long Writing = 1L << 62; // seq flags: the slot's producer or consumer owns it now; no one else touches it
    private const long Reading = 1L << 61;
    private const long Flags = Writing | Reading;
    private const int Slice = 50;

    private readonly IpcSharedMemory _region;
    private readonly byte* _base;
    private readonly long _mask;
    private readonly int _slotSize;
    private readonly int _pid = Environment.ProcessId;
    private int _active;
    private int _emptyWakes; // wakes in a row that found no one asleep, per eventcount: see Wake
    private int _emptySpaceWakes;
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
            throw new ArgumentException(
                $"'{name}' is shared memory but not a PSIpc ring (version {Version}): a ring made by an older "
                + "PSIpc, or another program's object. Make the ring again with New-IpcRing.");
        }

        Slots = *(int*)(_base + OffCapacity);
        _slotSize = *(int*)(_base + OffSlotSize);
        MessageSize = *(int*)(_base + OffMessageSize);
        _mask = Slots - 1;
        if (region.Size < OffSlots + ((long)Slots * _slotSize))
        {
            throw new ArgumentException($"The ring '{name}' is smaller than its header says: it was truncated, or is not a ring.");
        }

        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "Ring";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Both;

    /// <summary>How many messages the ring holds (a power of two).</summary>
    public int Slots { get; }

    /// <summary>The ring's slots, each of <see cref="MessageSize"/> bytes; a full ring makes Send wait.</summary>
    public override IpcCapacity Capacity => MeasureCapacity(() => IpcCapacity.Of(Slots, (long)Slots * MessageSize, "the ring's slots"));

    /// <summary>The largest message payload in bytes.</summary>
    public int MessageSize { get; }

    /// <summary>Messages in the ring now (published or being written).</summary>
    public long Count => Math.Max(0, Volatile.Read(ref *(long*)(_base + OffEnqueue)) - Volatile.Read(ref *(long*)(_base + OffDequeue)));

    /// <summary>The backing POSIX shared memory object, /dev/shm/NAME.</summary>
    public string SharedMemoryPath => "/dev/shm" + Name;

    /// <summary>Creates a ring of <paramref name="capacity"/> messages (rounded up to a power of two) of at
    /// most <paramref name="messageSize"/> bytes.</summary>
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

        // Two slots at least: with one, a freed slot's sequence (position + slots) would read as the next message.
        int slots = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
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
            for (long i = 0; i < slots; i++)
            {
                *(long*)(b + OffSlots + (i * slotSize)) = i;
            }

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

    private void SendSlot(
        ReadOnlySpan<byte> payload, IpcEncoding encoding, bool noWait, Deadline deadline, CancellationToken cancellationToken)
    {
        CheckSlotSize(payload.Length);
        byte* slot = ClaimFreeSlot(noWait, deadline, cancellationToken, out long pos, out int claim);
        payload.CopyTo(new Span<byte>(slot + SlotHeader, payload.Length));
        Publish(slot, pos, claim, payload.Length, encoding);
    }

    private void CheckSlotSize(int length)
    {
        if ((uint)length > (uint)MessageSize)
        {
            throw new ArgumentException(
                $"The message is {length} bytes and the ring {Name} takes at most {MessageSize} bytes per "
                + "message (-MessageSize when it was made).");
        }
    }

    /// <summary>
    /// Claims the next position once its slot is free, and owns the slot (Writing) until <see cref="Publish"/>. While
    /// the slot still holds the previous round's message the ring is full: with <paramref name="noWait"/> that is
    /// ResourceBusy, otherwise this waits (see <see cref="RingWait"/>), taking over the slot of a dead consumer.
    /// </summary>
    private byte* ClaimFreeSlot(bool noWait, Deadline deadline, CancellationToken cancellationToken, out long pos, out int claim)
    {
        var wait = new RingWait(this, OffSpaces, deadline, cancellationToken);
        try
        {
            long* enqueue = (long*)(_base + OffEnqueue);
            while (true)
            {
                pos = Volatile.Read(ref *enqueue);
                byte* slot = Slot(pos);
                long seq = Volatile.Read(ref *(long*)slot);
                if (seq == pos)
                {
                    if (Interlocked.CompareExchange(ref *enqueue, pos + 1, pos) == pos)
                    {
                        claim = Register(OffWriterClaims, pos);
                        if (Interlocked.CompareExchange(ref *(long*)slot, pos | Writing, pos) == pos)
                        {
                            return slot;
                        }

                        // A consumer skipped this position, taking this process for dead (see the class notes): claim anew.
                        Unregister(OffWriterClaims, claim);
                    }

                    continue;
                }

                if ((seq & ~Flags) >= pos)
                {
                    continue; // another producer claimed this position meanwhile
                }

                // The slot still holds the previous round's message, or its consumer is reading it: the ring is full.
                RingWait.Reason reason = (seq & Reading) != 0 ? RingWait.Reason.ConsumerHolds : RingWait.Reason.Full;
                if ((noWait || wait.ShouldCheckOwner()) && TakeOverFromDeadConsumer(slot, pos, seq, wait.Unmoved(pos, seq)))
                {
                    continue;
                }

                if (noWait)
                {
                    throw new NativeException("IpcRing.Send", Errno.EAGAIN, $"The ring {Name} is full ({Slots} messages).");
                }

                wait.Pause(reason);
            }
        }
        finally
        {
            wait.Leave();
        }
    }

    /// <summary>
    /// Frees the slot of position <paramref name="pos"/>'s previous round when the consumer that claimed it is dead
    /// (or, unrecorded, has not moved for 5 s): that one message is lost, and the ring goes on.
    /// </summary>
    private bool TakeOverFromDeadConsumer(byte* slot, long pos, long seq, long waited)
    {
        long previous = pos - Slots;
        if ((seq & ~Reading) != previous + 1 || Volatile.Read(ref *(long*)(_base + OffDequeue)) <= previous)
        {
            return false; // not claimed by a consumer yet: the ring is simply full
        }

        Holder reader = HolderOf(OffReaderClaims, previous, out int index);
        bool takeOver = reader == Holder.Dead || (reader == Holder.Unknown && waited > AbandonTicks);
        if (takeOver && Interlocked.CompareExchange(ref *(long*)slot, pos, seq) == seq)
        {
            ClearClaim(OffReaderClaims, index, previous);
            return true;
        }

        return false;
    }

    /// <summary>Makes the written slot a message consumers can take, and wakes a consumer that sleeps.</summary>
    private void Publish(byte* slot, long pos, int claim, int length, IpcEncoding encoding)
    {
        *(int*)(slot + OffLength) = length;
        slot[OffEncoding] = (byte)encoding;
        Volatile.Write(ref *(long*)slot, pos + 1);
        Unregister(OffWriterClaims, claim);
        Wake(OffItems);
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

}

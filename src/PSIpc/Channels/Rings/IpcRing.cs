using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A bounded ring buffer in POSIX shared memory: the textbook bounded buffer with process-shared synchronization,
/// for several producers and several consumers at once. Slots follow Vyukov's bounded MPMC queue (a sequence number
/// per slot, positions claimed with an atomic increment); two process-shared semaphores in the header count full and
/// free slots, so a producer waits while the ring is full and a consumer while it is empty, without spinning.
/// <para>
/// Each claim of a slot is recorded in the header, in a claim table per direction, as (position, process id), so the
/// others can tell a slow owner from a dead one. A slot whose owner is alive (running, stopped with SIGSTOP, or slow)
/// is never taken over: the others wait for it, within their own -Timeout. A dead owner's slot is recovered: a producer
/// killed before publishing leaves a hole that consumers skip; a consumer killed while reading loses that one message,
/// and the next producer frees the slot. A producer that times out gives its position up (consumers skip it: its
/// message was not sent); a consumer that times out after claiming a position hands the position to the next consumer
/// (an orphan table in the header), so the message is still delivered exactly once. Only a process stopped or killed in
/// the two instructions between claiming a position and recording the claim is treated as dead after 5 seconds.
/// </para>
/// </summary>
public sealed unsafe partial class IpcRing : IpcChannel
{
    private const ulong Magic = 0x474E5243_50495350; // "PSIPCRNG" little-endian
    private const int Version = 2;
    private const int OffCapacity = 12;
    private const int OffSlotSize = 16;
    private const int OffMessageSize = 20;
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

    /// <summary>Waits for a free slot and owns it (Writing) until <see cref="Publish"/>.</summary>
    private byte* ClaimFreeSlot(bool noWait, Deadline deadline, CancellationToken cancellationToken, out long pos, out int claim)
    {
        while (true)
        {
            if (!Take(OffSpaces, noWait, deadline, cancellationToken, () => new IpcTimeoutException("SendTimeout",
                $"The ring {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a consumer, or "
                + "raise -Timeout.")))
            {
                throw new NativeException("sem_trywait", Errno.EAGAIN, $"The ring {Name} is full ({Slots} messages).");
            }

            CheckRegion();
            pos = Interlocked.Increment(ref *(long*)(_base + OffEnqueue)) - 1;
            byte* slot = Slot(pos);
            claim = Register(OffWriterClaims, pos);
            if (WaitForFreeSlot(slot, pos, claim, deadline, cancellationToken))
            {
                return slot;
            }

            // A consumer skipped this position, taking this process for dead (see the class notes): claim anew.
            Unregister(OffWriterClaims, claim);
        }
    }

    /// <summary>Makes the written slot a message consumers can take.</summary>
    private void Publish(byte* slot, long pos, int claim, int length, IpcEncoding encoding)
    {
        *(int*)(slot + OffLength) = length;
        slot[OffEncoding] = (byte)encoding;
        Volatile.Write(ref *(long*)slot, pos + 1);
        Semaphores.Post((IntPtr)(_base + OffItems));
        Unregister(OffWriterClaims, claim);
    }

    /// <summary>Takes one message into a new array.</summary>
    private RawMessage? ReceiveSlot(bool noWait, Deadline deadline, CancellationToken cancellationToken)
    {
        byte* slot = ClaimMessage(
            noWait, deadline, cancellationToken, out long pos, out int claim, out int length, out IpcEncoding encoding);
        if (slot == null)
        {
            return null;
        }

        byte[] payload = new ReadOnlySpan<byte>(slot + SlotHeader, length).ToArray();
        FreeMessage(slot, pos, claim);
        return new RawMessage(payload, length, encoding);
    }

    /// <summary>Frees a slot taken with <see cref="ClaimMessage"/> for the next round's producer, and drops the claim.</summary>
    private void FreeMessage(byte* slot, long pos, int claim)
    {
        Free(slot, pos);
        Unregister(OffReaderClaims, claim);
    }

    /// <summary>
    /// Waits for the next published message and owns its slot (Reading) until the caller frees it; null when
    /// <paramref name="noWait"/> found none. A slot with an impossible length or encoding is freed and reported; the
    /// length and encoding given back are the ones checked, read once, as the slot's memory is shared with every peer.
    /// </summary>
    private byte* ClaimMessage(
        bool noWait,
        Deadline deadline,
        CancellationToken cancellationToken,
        out long pos,
        out int claim,
        out int length,
        out IpcEncoding encoding)
    {
        length = 0;
        encoding = default;
        while (true)
        {
            if (!Take(OffItems, noWait, deadline, cancellationToken, () => new IpcTimeoutException("ReceiveTimeout",
                $"No message arrived in the ring {Name} within {deadline.Timeout}. Check that a producer is "
                + "running, or raise -Timeout.")))
            {
                pos = 0;
                claim = 0;
                return null;
            }

            CheckRegion();
            bool adopted = TryAdoptOrphan(out pos);
            while (true)
            {
                if (!adopted)
                {
                    pos = Interlocked.Increment(ref *(long*)(_base + OffDequeue)) - 1;
                }

                adopted = false;
                byte* slot = Slot(pos);
                claim = Register(OffReaderClaims, pos);
                SlotState state = WaitForMessage(slot, pos, claim, deadline, cancellationToken);
                if (state == SlotState.Hole)
                {
                    // A producer died or gave up before publishing; the slot is freed:
                    // take the next position, our item token is still ours.
                    Unregister(OffReaderClaims, claim);
                    Semaphores.Post((IntPtr)(_base + OffSpaces));
                    continue;
                }

                if (state == SlotState.Lost)
                {
                    // A producer took this slot over, taking this process for dead: that message is gone, and with it our token.
                    Unregister(OffReaderClaims, claim);
                    break;
                }

                length = *(int*)(slot + OffLength);
                encoding = (IpcEncoding)slot[OffEncoding];
                if ((uint)length > (uint)MessageSize || (byte)encoding > (byte)IpcEncoding.Json)
                {
                    FreeMessage(slot, pos, claim);
                    throw new IpcProtocolException("RingSlotInvalid",
                        $"A slot of the ring {Name} holds an impossible length ({length}) or encoding; the message "
                        + "was discarded.");
                }

                return slot;
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

}

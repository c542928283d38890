using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A System V message queue (msgget/msgsnd/msgrcv). Messages have a type (at least 1); a receive can select by type
/// with msgrcv's rule: 0 takes the first message, n &gt; 0 the first of type n, n &lt; 0 the first of the lowest type
/// up to |n|. System V queues have no descriptor to poll, so waits retry without blocking for the first 0.5 ms and then
/// sleep in growing slices (at most 20 ms) on an eventfd that Ctrl+C and Dispose signal.
/// </summary>
public sealed class SysVMessageQueue : IpcMessageQueue, ITypedChannel
{
    private const string MsgMaxPath = "/proc/sys/kernel/msgmax";
    private readonly FdWaiter _waiter = new();
    private readonly object _receiveLock = new();
    private byte[] _receiveBuffer = Array.Empty<byte>();

    private SysVMessageQueue(int id, int key)
    {
        Id = id;
        Key = key;
        Name = "msq:" + id.ToString(CultureInfo.InvariantCulture);
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override IpcQueueKind QueueKind => IpcQueueKind.SystemV;

    /// <inheritdoc/>
    internal override string Description => $"System V queue {Id} (key {KeyHex})";

    /// <summary>The queue's id, as ipcs -q shows it in msqid.</summary>
    public int Id { get; }

    /// <summary>The key it was made or found with (0 for IPC_PRIVATE).</summary>
    public int Key { get; }

    /// <summary>The key as ipcs prints it, such as 0x0000162e.</summary>
    public string KeyHex => "0x" + Key.ToString("x8", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string Owner => UserNames.Lookup(BinaryPrimitives.ReadUInt32LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetUid)));

    /// <inheritdoc/>
    public override string Mode => FileModes.ToOctal(
        BinaryPrimitives.ReadUInt16LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetMode)) & 0x1FFu);

    /// <inheritdoc/>
    public override long MessageCount => (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetQnum));

    /// <summary>Bytes of message text in the queue now.</summary>
    public long BytesUsed => (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetCbytes));

    /// <summary>The most bytes of message text the queue holds (msg_qbytes; msgmnb unless set).</summary>
    /// <inheritdoc/>
    public override IpcCapacity Capacity => MeasureCapacity(() => IpcCapacity.OfBytes(MaxBytes, "the queue's msg_qbytes"));

    /// <summary>The most bytes the queue holds (msg_qbytes).</summary>
    public long MaxBytes => (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetQbytes));

    /// <summary>The largest single message the system takes (msgmax, /proc/sys/kernel/msgmax).</summary>
    public static int MaxMessageBytes => (int)ReadProcNumber(MsgMaxPath, 8192);

    // msgmax as last read: sends and receives use it instead of reading /proc per message (7 system calls each);
    // it is read again when a message does not fit, in case an administrator raised the limit meanwhile.
    private static int s_maxMessageBytes = MaxMessageBytes;

    /// <summary>The process that sent last.</summary>
    public int LastSenderId => BinaryPrimitives.ReadInt32LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetLspid));

    /// <summary>The process that received last.</summary>
    public int LastReceiverId => BinaryPrimitives.ReadInt32LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetLrpid));

    /// <summary>Creates a queue; <paramref name="key"/> null makes a private one (IPC_PRIVATE). With <paramref
    /// name="force"/> an existing queue with the key is opened instead.</summary>
    public static SysVMessageQueue Create(int? key, uint mode = 0x180, bool force = false, long? maxBytes = null)
    {
        CheckLayout();
        SysVKeys.Check(key);
        int flags = SysVMessageQueues.IPC_CREAT | (force ? 0 : SysVMessageQueues.IPC_EXCL) | (int)(mode & 0x1FF);
        int id = SysVMessageQueues.Get(key ?? SysVMessageQueues.IPC_PRIVATE, flags);
        try
        {
            if (maxBytes is long bytes)
            {
                SysVMessageQueues.SetMaxBytes(id, bytes);
            }

            return new SysVMessageQueue(id, key ?? 0);
        }
        catch when (!force)
        {
            // Created here and not handed out: do not leave it in the system.
            SysVMessageQueues.Remove(id);
            throw;
        }
    }

    /// <summary>Opens the existing queue with <paramref name="key"/>.</summary>
    public static SysVMessageQueue Connect(int key)
    {
        CheckLayout();
        SysVKeys.Check(key);
        return new SysVMessageQueue(SysVMessageQueues.Get(key, 0), key);
    }

    /// <summary>Opens the existing queue with id <paramref name="id"/>.</summary>
    public static SysVMessageQueue ConnectById(int id)
    {
        CheckLayout();
        byte[] ds = SysVMessageQueues.Stat(id);
        return new SysVMessageQueue(id, BinaryPrimitives.ReadInt32LittleEndian(ds));
    }

    /// <summary>Sends encoded bytes as one message of <paramref name="type"/> (1 or more), from .NET.</summary>
    public void SendPayload(
        ReadOnlySpan<byte> payload,
        long type,
        IpcEncoding encoding = IpcEncoding.Bytes,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, new SendOptions(Type: type), timeout, cancellationToken);

    /// <summary>Receives the next message msgrcv's <paramref name="type"/> selects (0: the first; n: the first
    /// of type n; -n: the lowest type up to n).</summary>
    public IpcMessage? Receive(
        long type, TimeSpan? timeout = null, IpcEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        Receive(timeout, encoding, new ReceiveOptions(Type: type), cancellationToken);

    /// <inheritdoc/>
    public override void Remove()
    {
        SysVMessageQueues.Remove(Id);
        Dispose();
    }

    /// <summary>A message without a type goes as type 1.</summary>
    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        ((ITypedChannel)this).SendTyped(payload, encoding, 1, wait);

    private protected override RawMessage? ReceiveCore(in IpcWait wait) => ((ITypedChannel)this).ReceiveTyped(0, wait);

    void ITypedChannel.SendTyped(ReadOnlySpan<byte> payload, IpcEncoding encoding, long type, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        if (type < 1)
        {
            throw new ArgumentException(
                $"A System V message type is 1 or more; {type} is not. (Negative and 0 types select messages on "
                + "receive only.)");
        }

        int length = DatagramCodec.WrappedLength(payload.Length, encoding);
        int max = s_maxMessageBytes;
        if (length > max)
        {
            max = s_maxMessageBytes = MaxMessageBytes;
        }

        if (length > max)
        {
            throw new ArgumentException(
                $"The message is {length} bytes and this system's System V queues take at most {max} bytes per message "
                + "(msgmax, /proc/sys/kernel/msgmax). Send less, or raise msgmax.");
        }

        // One buffer holds msgsnd's whole struct msgbuf: the type, then the message as DatagramCodec lays it out.
        using RentedDatagram message = DatagramCodec.Rent(payload, encoding, SysVMessageQueues.TypeSize);
        long waitStart = 0;
        while (!Translate(message.Buffer, length, type, static (id, b, n, t) => SysVMessageQueues.TrySend(id, t, b, n)))
        {
            if (wait.NoWait)
            {
                throw new NativeException("msgsnd", Errno.EAGAIN, $"The queue {Name} is full ({BytesUsed} of {MaxBytes} bytes used).");
            }

            Pause(ref waitStart, deadline, wait.Cancel, () => new IpcTimeoutException(
                "SendTimeout", $"The queue {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a "
                    + "receiver, or raise -Timeout."));
        }
    }

    RawMessage? ITypedChannel.ReceiveTyped(long selector, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        lock (_receiveLock)
        {
            long waitStart = 0;
            while (true)
            {
                int size = IntPtr.Size + s_maxMessageBytes;
                if (_receiveBuffer.Length < size)
                {
                    _receiveBuffer = new byte[size];
                }

                int n;
                try
                {
                    n = Translate(_receiveBuffer, 0, selector, static (id, b, _, t) => SysVMessageQueues.TryReceive(id, b, t));
                }
                catch (NativeException e) when (e.Errno == Errno.E2BIG && s_maxMessageBytes < MaxMessageBytes)
                {
                    // msgmax was raised and a larger message came: read the limit again and retry with room for it.
                    s_maxMessageBytes = MaxMessageBytes;
                    continue;
                }

                if (n >= 0)
                {
                    long type = BitConverter.ToInt64(_receiveBuffer, 0);
                    return DatagramCodec.Unwrap(_receiveBuffer.AsSpan(SysVMessageQueues.TypeSize, n), type, null);
                }

                if (wait.NoWait)
                {
                    return null;
                }

                string ofType = selector == 0 ? string.Empty : " of type " + selector.ToString(CultureInfo.InvariantCulture);
                Pause(ref waitStart, deadline, wait.Cancel, () => new IpcTimeoutException(
                    "ReceiveTimeout",
                        $"No message{ofType} arrived in {Name} within {deadline.Timeout}. Check that a sender is "
                        + "running, or raise -Timeout."));
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiter.Dispose();
        }
    }

    private static void CheckLayout()
    {
        if (!SysVMessageQueues.LayoutKnown)
        {
            throw new PlatformNotSupportedException("System V message queues are supported on 64-bit Linux only.");
        }
    }

    private byte[] Stat()
    {
        try
        {
            return SysVMessageQueues.Stat(Id);
        }
        catch (NativeException)
        {
            return new byte[SysVMessageQueues.MsqidDsSize];
        }
    }

    /// <summary>A queue removed under us shows as EIDRM (while waiting) or EINVAL (its id gone): both become one clear error.</summary>
    private T Translate<T>(byte[] buffer, int length, long type, Func<int, byte[], int, long, T> call)
    {
        try
        {
            return call(Id, buffer, length, type);
        }
        catch (NativeException e) when (e.Errno == Errno.EIDRM || e.Errno == Errno.EINVAL)
        {
            throw new NativeException(e.Function, Errno.EIDRM, $"The queue {Name} was removed (or its id is no longer valid).");
        }
    }

    /// <summary>
    /// One step of a wait on a System V queue, which has nothing to poll: for the first <see cref="SpinTicks"/> the
    /// caller retries at once (yielding the CPU), since a reply between processes takes tens of microseconds; after
    /// that it sleeps 1 ms at a time for the first 100 ms, then up to 20 ms, on the eventfd that Ctrl+C and Dispose signal.
    /// </summary>
    private void Pause(ref long waitStart, Deadline deadline, CancellationToken cancellationToken, Func<IpcTimeoutException> timeout)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        int left = deadline.RemainingMilliseconds();
        if (left == 0)
        {
            throw timeout();
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (waitStart == 0)
        {
            waitStart = now;
        }

        long waited = now - waitStart;
        if (waited < SpinTicks)
        {
            Thread.Yield();
            return;
        }

        // A busy stream (a full queue draining, an empty one filling) needs short sleeps; a long quiet wait backs off.
        int pause = waited < ShortSleepTicks ? 1 : (int)Math.Clamp(waited * 1000 / System.Diagnostics.Stopwatch.Frequency / 10, 1, 20);
        _waiter.Sleep(left < 0 ? pause : Math.Min(pause, left), cancellationToken);
    }

    private static long SpinTicks => System.Diagnostics.Stopwatch.Frequency / 2000;

    /// <summary>For the first 100 ms of a wait, sleeps are 1 ms; then they grow to 20 ms.</summary>
    private static long ShortSleepTicks => System.Diagnostics.Stopwatch.Frequency / 10;
}

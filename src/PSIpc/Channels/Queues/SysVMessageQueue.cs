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
public sealed class SysVMessageQueue : IpcMessageQueue
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
        ChannelRegistry.Track(this);
    }

    /// <inheritdoc/>
    public override IpcQueueKind QueueKind => IpcQueueKind.SystemV;

    /// <summary>The queue's id, as ipcs -q shows it in msqid.</summary>
    public int Id { get; }

    /// <summary>The key it was made or found with (0 for IPC_PRIVATE).</summary>
    public int Key { get; }

    /// <summary>The key as ipcs prints it, such as 0x0000162e.</summary>
    public string KeyHex => "0x" + Key.ToString("x8", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string Owner => UserNames.Lookup(BinaryPrimitives.ReadUInt32LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetUid)));

    /// <inheritdoc/>
    public override string Mode => FileModes.ToOctal(BinaryPrimitives.ReadUInt16LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetMode)) & 0x1FFu);

    /// <inheritdoc/>
    public override long MessageCount => (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetQnum));

    /// <summary>Bytes of message text in the queue now.</summary>
    public long BytesUsed => (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat().AsSpan(SysVMessageQueues.OffsetCbytes));

    /// <summary>The most bytes of message text the queue holds (msg_qbytes; msgmnb unless set).</summary>
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

    /// <summary>Creates a queue; <paramref name="key"/> null makes a private one (IPC_PRIVATE). With <paramref name="force"/> an existing queue with the key is opened instead.</summary>
    public static SysVMessageQueue Create(int? key, uint mode = 0x180, bool force = false, long? maxBytes = null)
    {
        CheckLayout();
        CheckKey(key);
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
        CheckKey(key);
        return new SysVMessageQueue(SysVMessageQueues.Get(key, 0), key);
    }

    /// <summary>Key 0 is IPC_PRIVATE to the kernel: a new private queue every time, never the one a user means by "key 0".</summary>
    internal static void CheckKey(int? key)
    {
        if (key == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(key), "Key 0 is IPC_PRIVATE to the kernel: it always makes a new private object that no one else can find by key. Use -Private for that, or choose a key other than 0.");
        }
    }

    /// <summary>Opens the existing queue with id <paramref name="id"/>.</summary>
    public static SysVMessageQueue ConnectById(int id)
    {
        CheckLayout();
        byte[] ds = SysVMessageQueues.Stat(id);
        return new SysVMessageQueue(id, BinaryPrimitives.ReadInt32LittleEndian(ds));
    }

    /// <summary>Sends encoded bytes as one message of <paramref name="type"/> (1 or more), from .NET.</summary>
    public void SendPayload(ReadOnlySpan<byte> payload, long type, IpcEncoding encoding = IpcEncoding.Bytes, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, new MessageOptions(type, null, false), timeout, cancellationToken);

    /// <summary>Receives the next message msgrcv's <paramref name="type"/> selects (0: the first; n: the first of type n; -n: the lowest type up to n).</summary>
    public IpcMessage? Receive(long type, TimeSpan? timeout = null, IpcEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        Receive(timeout, encoding, new MessageOptions(type, null, false), cancellationToken);

    /// <inheritdoc/>
    public override void Remove()
    {
        SysVMessageQueues.Remove(Id);
        Dispose();
    }

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
        long type = options.Type == 0 ? 1 : options.Type;
        if (type < 1)
        {
            throw new ArgumentException($"A System V message type is 1 or more; {type} is not. (Negative and 0 types select messages on receive only.)");
        }

        byte[] message = Wrap(payload, encoding);
        int max = s_maxMessageBytes;
        if (message.Length > max)
        {
            max = s_maxMessageBytes = MaxMessageBytes;
        }

        if (message.Length > max)
        {
            throw new ArgumentException($"The message is {message.Length} bytes and this system's System V queues take at most {max} bytes per message (msgmax, /proc/sys/kernel/msgmax). Send less, or raise msgmax.");
        }

        long waitStart = 0;
        while (!Translate(() => SysVMessageQueues.Send(Id, type, message, noWait: true)))
        {
            if (options.NoWait)
            {
                throw new NativeException("msgsnd", Errno.EAGAIN, $"The queue {Name} is full ({BytesUsed} of {MaxBytes} bytes used).");
            }

            Pause(ref waitStart, deadline, cancellationToken, () => new IpcTimeoutException("SendTimeout", $"The queue {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a receiver, or raise -Timeout."));
        }
    }

    private protected override RawMessage? ReceiveCore(MessageOptions options, Deadline deadline, CancellationToken cancellationToken)
    {
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

                long type = 0;
                int n;
                try
                {
                    n = Translate(() => SysVMessageQueues.TryReceive(Id, _receiveBuffer, options.Type, out type));
                }
                catch (NativeException e) when (e.Errno == Errno.E2BIG && s_maxMessageBytes < MaxMessageBytes)
                {
                    // msgmax was raised and a larger message came: read the limit again and retry with room for it.
                    s_maxMessageBytes = MaxMessageBytes;
                    continue;
                }

                if (n >= 0)
                {
                    byte[] data = _receiveBuffer.AsSpan(IntPtr.Size, n).ToArray();
                    return Unwrap(data, n, type, null);
                }

                if (options.NoWait)
                {
                    return null;
                }

                Pause(ref waitStart, deadline, cancellationToken, () => new IpcTimeoutException("ReceiveTimeout", $"No message{(options.Type == 0 ? string.Empty : " of type " + options.Type.ToString(CultureInfo.InvariantCulture))} arrived in {Name} within {deadline.Timeout}. Check that a sender is running, or raise -Timeout."));
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
    private T Translate<T>(Func<T> call)
    {
        try
        {
            return call();
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

using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A POSIX message queue (mq_open/mq_send/mq_receive). Messages have a priority (0 to 32767); a receive takes the
/// oldest message of the highest priority. On Linux the queue is a descriptor, so waits use poll(2) like pipes.
/// </summary>
public sealed class PosixMessageQueue : IpcMessageQueue, IPrioritizedChannel
{
    private const int MaxPriority = 32767;
    private readonly SafeFd _fd;
    private readonly FdWaiter _waiter = new();
    private readonly object _receiveLock = new();
    private byte[] _receiveBuffer = Array.Empty<byte>();

    // mq_msgsize is fixed when a queue is made (mq_setattr changes only the flags): read once, not per message.
    private readonly long _messageSize;

    private PosixMessageQueue(string name, SafeFd fd)
    {
        Name = name;
        _fd = fd;
        _messageSize = PosixMessageQueues.GetAttributes(fd).MessageSize;
        Path = System.IO.Directory.Exists("/dev/mqueue") ? "/dev/mqueue" + name : null;
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override IpcQueueKind QueueKind => IpcQueueKind.Posix;

    /// <inheritdoc/>
    internal override string Description => $"POSIX queue {Name}";

    /// <inheritdoc/>
    public override string Owner => UserNames.Lookup(Fd.FStat(_fd).Uid);

    /// <inheritdoc/>
    public override string Mode => FileModes.ToOctal(Fd.FStat(_fd).Permissions);

    /// <inheritdoc/>
    public override long MessageCount => PosixMessageQueues.GetAttributes(_fd).CurrentMessages;

    /// <inheritdoc/>
    public override IpcCapacity Capacity => MeasureCapacity(() =>
        IpcCapacity.Of(MaxMessages, MaxMessages * _messageSize, "the queue's mq_maxmsg of mq_msgsize bytes"));

    /// <summary>The most messages the queue holds (mq_maxmsg).</summary>
    public long MaxMessages => PosixMessageQueues.GetAttributes(_fd).MaxMessages;

    /// <summary>The largest message the queue takes, in bytes (mq_msgsize).</summary>
    public long MaxMessageBytes => _messageSize;

    /// <summary>Creates a queue (O_CREAT|O_EXCL unless <paramref name="force"/>) with exactly <paramref name="mode"/>.</summary>
    public static PosixMessageQueue Create(
        string name, uint mode = 0x180, bool force = false, long? maxMessages = null, long? maxMessageSize = null)
    {
        CheckName(name);
        MqAttr? attributes = null;
        if (maxMessages is not null || maxMessageSize is not null)
        {
            attributes = new MqAttr
            {
                MaxMessages = (nint)(maxMessages ?? ReadProcNumber("/proc/sys/fs/mqueue/msg_default", 10)),
                MessageSize = (nint)(maxMessageSize ?? ReadProcNumber("/proc/sys/fs/mqueue/msgsize_default", 8192)),
            };
        }

        int flags = Fd.O_RDWR | Fd.O_NONBLOCK | LibCFlags.O_CREAT | (force ? 0 : LibCFlags.O_EXCL);
        SafeFd fd = PosixMessageQueues.Open(name, flags, mode, attributes);
        try
        {
            // mq_open's mode is masked by the umask; set it exactly. (With -Force on an existing queue, fchmod needs ownership.)
            if (Fd.FStat(fd).Uid == Fd.GetUid())
            {
                Fd.FChmod(fd, mode);
            }

            return new PosixMessageQueue(name, fd);
        }
        catch
        {
            fd.Dispose();
            if (!force)
            {
                // Created here and not handed out: do not leave it in the system.
                PosixMessageQueues.Unlink(name);
            }

            throw;
        }
    }

    /// <summary>Opens an existing queue.</summary>
    public static PosixMessageQueue Connect(string name)
    {
        CheckName(name);
        return new PosixMessageQueue(name, PosixMessageQueues.Open(name, Fd.O_RDWR | Fd.O_NONBLOCK, 0, null));
    }

    /// <summary>Removes the queue named <paramref name="name"/> (mq_unlink).</summary>
    public static void Unlink(string name)
    {
        CheckName(name);
        PosixMessageQueues.Unlink(name);
    }

    /// <summary>A POSIX queue name is '/' followed by 1 to 255 characters, none of them '/'.</summary>
    public static void CheckName(string name) => PosixNames.Check(name, "queue", 255, "/jobs");

    /// <summary>Sends encoded bytes as one message with <paramref name="priority"/> (0 to 32767), from .NET.</summary>
    public void SendPayload(
        ReadOnlySpan<byte> payload,
        int priority,
        IpcEncoding encoding = IpcEncoding.Bytes,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, new SendOptions(Priority: priority), timeout, cancellationToken);

    /// <inheritdoc/>
    public override void Remove()
    {
        PosixMessageQueues.Unlink(Name!);
        Dispose();
    }

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        ((IPrioritizedChannel)this).SendPrioritized(payload, encoding, 0, wait);

    void IPrioritizedChannel.SendPrioritized(ReadOnlySpan<byte> payload, IpcEncoding encoding, int priority, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        if (priority is < 0 or > MaxPriority)
        {
            throw new ArgumentException($"A POSIX message priority is 0 to {MaxPriority}; {priority} is not.");
        }

        int length = DatagramCodec.WrappedLength(payload.Length, encoding);
        long max = MaxMessageBytes;
        if (length > max)
        {
            throw new ArgumentException(
                $"The message is {length} bytes and the queue {Name} takes at most {max} bytes per message "
                + "(mq_msgsize, set when the queue was made; its ceiling is /proc/sys/fs/mqueue/msgsize_max). Send "
                + "less, or make the queue with a larger -MaxMessageSize.");
        }

        using RentedDatagram message = DatagramCodec.Rent(payload, encoding);
        while (!PosixMessageQueues.TrySend(_fd, message.Message, (uint)priority))
        {
            if (wait.NoWait)
            {
                throw new NativeException("mq_send", Errno.EAGAIN, $"The queue {Name} is full ({MaxMessages} messages).");
            }

            _waiter.Wait(_fd, Fd.POLLOUT, deadline, wait.Cancel, ThrowIfClosed, () => new IpcTimeoutException("SendTimeout",
                $"The queue {Name} stayed full for {deadline.Timeout}: no one is receiving. Start a receiver, or "
                + "raise -Timeout."));
        }
    }

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        lock (_receiveLock)
        {
            int size = (int)MaxMessageBytes;
            if (_receiveBuffer.Length < size)
            {
                _receiveBuffer = new byte[size];
            }

            while (true)
            {
                int n = PosixMessageQueues.TryReceive(_fd, _receiveBuffer, out uint priority);
                if (n >= 0)
                {
                    return DatagramCodec.Unwrap(_receiveBuffer.AsSpan(0, n), null, (int)priority);
                }

                if (wait.NoWait)
                {
                    return null;
                }

                _waiter.Wait(_fd, Fd.POLLIN, deadline, wait.Cancel, ThrowIfClosed, () => new IpcTimeoutException("ReceiveTimeout",
                    $"No message arrived in {Name} within {deadline.Timeout}. Check that a sender is running, or "
                    + "raise -Timeout."));
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiter.Dispose();
            _fd.Dispose();
        }
    }
}

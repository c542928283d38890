using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A channel over byte-stream descriptors (pipe and FIFO ends; later stream sockets), with Message, Line or Raw framing.
/// Descriptors are non-blocking; waits use poll(2) on the descriptor and an eventfd that cancellation and Dispose signal,
/// so -Timeout and Ctrl+C are honoured at once. Short reads and writes are completed and EINTR is retried.
/// </summary>
public abstract partial class StreamChannel : IpcChannel
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>Frames of at least this many bytes are read straight into their own array (StreamChannel.Receive.cs).</summary>
    private const int DirectReadSize = 16 * 1024;

    /// <summary>Payloads up to this size go out framed in one stack copy with write(2); larger ones with writev(2), uncopied.</summary>
    private const int SmallFrame = 256;

    private static readonly byte[] Newline = { (byte)'\n' };

    private readonly SafeFd? _readFd;
    private readonly SafeFd? _writeFd;
    private readonly FdWaiter _waiter = new();
    private readonly object _sendLock = new();
    private readonly object _receiveLock = new();
    private byte[] _buffer = Array.Empty<byte>();
    private int _start;
    private int _end;
    private bool _eof;
    private bool _waitBeforeFirstRead;
    private bool _faulted;
    private bool _probing;
    private bool _wouldBlock;
    private byte[]? _partial;
    private int _partialFilled;
    private IpcEncoding _partialEncoding;

    private protected StreamChannel(SafeFd? readFd, SafeFd? writeFd, IpcFraming framing, bool waitBeforeFirstRead = false)
        : base(framing)
    {
        _readFd = readFd;
        _writeFd = writeFd;
        _waitBeforeFirstRead = waitBeforeFirstRead;
        if (readFd is not null)
        {
            Fd.SetNonBlocking(readFd, true);
        }

        if (writeFd is not null)
        {
            Fd.SetNonBlocking(writeFd, true);
        }

        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override IpcDirection Direction => (_readFd, _writeFd) switch
    {
        (not null, not null) => IpcDirection.Both,
        (not null, null) => IpcDirection.Read,
        _ => IpcDirection.Write,
    };

    /// <summary>The kernel buffer size of a pipe or FIFO end (F_GETPIPE_SZ); 0 once closed.</summary>
    private protected int PipeBufferSize
    {
        get
        {
            try
            {
                return IsOpen ? Fd.GetPipeSize(_writeFd ?? _readFd!) : 0;
            }
            catch (ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.Batching
        | (IsConnection && Framing == IpcFraming.Message ? IpcChannelCapabilities.Receipts : 0);

    /// <summary>True for a connection with one peer at the other end (a stream socket), where receipts can come back.</summary>
    private protected virtual bool IsConnection => false;

    /// <summary>Pipes and FIFOs: the kernel's pipe buffer, in bytes (F_GETPIPE_SZ); a full one makes Send wait.</summary>
    public override IpcCapacity Capacity =>
        MeasureCapacity(() => IpcCapacity.OfBytes(Fd.GetPipeSize(_writeFd ?? _readFd!), "the pipe buffer (F_GETPIPE_SZ)"));

    [System.Runtime.CompilerServices.SkipLocalsInit] // the stack frame below is written before it is sent
    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        CancellationToken cancellationToken = wait.Cancel;
        lock (_sendLock)
        {
            ThrowIfFaulted();

            if (payload.Length <= SmallFrame)
            {
                // A small frame is cheaper copied once on the stack and written with write(2) than gathered.
                Span<byte> frame = stackalloc byte[Frame.HeaderSize + SmallFrame + 1];
                WriteAll(frame.Slice(0, WriteFrame(frame, 0, payload, encoding)), deadline, cancellationToken);
                return;
            }

            // A larger frame goes out as its parts with one writev, the payload not copied on its way to the kernel.
            if (Framing == IpcFraming.Message)
            {
                Span<byte> header = stackalloc byte[Frame.HeaderSize];
                Frame.WriteHeader(header, encoding, payload.Length);
                WriteAll(header, payload, deadline, cancellationToken);
            }
            else
            {
                WriteAll(payload, Framing == IpcFraming.Line ? Newline : default, deadline, cancellationToken);
            }
        }
    }

    private protected override void SendBatchCore(IReadOnlyList<(byte[] Payload, IpcEncoding Encoding)> messages, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        CancellationToken cancellationToken = wait.Cancel;
        long total = 0;
        foreach ((byte[] payload, _) in messages)
        {
            total += payload.Length + FrameOverhead;
        }

        if (total > int.MaxValue / 2)
        {
            base.SendBatchCore(messages, wait);
            return;
        }

        lock (_sendLock)
        {
            ThrowIfFaulted();
            byte[] rented = ArrayPool<byte>.Shared.Rent((int)Math.Max(total, 1));
            try
            {
                // Where the kernel writes atomically only up to a limit (PIPE_BUF on pipes and FIFOs), one write holds
                // whole frames and stays within it, so frames of other writers on the same FIFO never land inside ours.
                int limit = AtomicWriteLimit;
                int start = 0;
                int at = 0;
                foreach ((byte[] payload, IpcEncoding encoding) in messages)
                {
                    int size = payload.Length + FrameOverhead;
                    if (limit > 0 && at > start && at - start + size > limit)
                    {
                        WriteAll(rented.AsSpan(start, at - start), deadline, cancellationToken);
                        start = at;
                    }

                    at = WriteFrame(rented, at, payload, encoding);
                }

                WriteAll(rented.AsSpan(start, at - start), deadline, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The largest write the kernel keeps whole when several processes write to the same object (PIPE_BUF on pipes and
    /// FIFOs); 0 where one writer owns the stream (a connected socket). A batch is split into writes within it.
    /// </summary>
    private protected virtual int AtomicWriteLimit => 0;

    /// <summary>Bytes the framing adds to each message: the Message header, Line's newline, nothing for Raw.</summary>
    private int FrameOverhead => Framing switch
    {
        IpcFraming.Message => Frame.HeaderSize,
        IpcFraming.Line => 1,
        _ => 0,
    };

    /// <summary>Writes one framed message into <paramref name="buffer"/> at <paramref name="at"/>; returns where it ends.</summary>
    private int WriteFrame(Span<byte> buffer, int at, ReadOnlySpan<byte> payload, IpcEncoding encoding)
    {
        if (Framing == IpcFraming.Message)
        {
            Frame.WriteHeader(buffer.Slice(at, Frame.HeaderSize), encoding, payload.Length);
            at += Frame.HeaderSize;
        }

        payload.CopyTo(buffer.Slice(at));
        at += payload.Length;
        if (Framing == IpcFraming.Line)
        {
            buffer[at++] = (byte)'\n';
        }

        return at;
    }

    private void ThrowIfFaulted()
    {
        if (_faulted)
        {
            throw new InvalidOperationException(
                $"An earlier send on {this} stopped in the middle of a message, so the stream is no longer aligned "
                + "on message boundaries. Close the channel and open a new one.");
        }
    }

    /// <summary>Takes a complete message if one is there, without waiting: null with LastReceiveWouldBlock when
    /// none, null without it at end of stream.</summary>
    internal RawMessage? ReceiveRawNow() => ReceiveCore(IpcWait.Now);

    /// <summary>The read end's descriptor, for callers that poll many channels at once (socket servers).</summary>
    internal SafeFd? ReadDescriptor => _readFd;

    /// <summary>True when the last Receive with NoWait returned null because nothing complete was there, not
    /// because the stream ended.</summary>
    internal bool LastReceiveWouldBlock => _wouldBlock;

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        CancellationToken cancellationToken = wait.Cancel;
        lock (_receiveLock)
        {
            if (_held.Count > 0)
            {
                return _held.Dequeue();
            }

            _probing = wait.NoWait;
            _wouldBlock = false;
            return Framing switch
            {
                IpcFraming.Message => ReceiveFrame(deadline, cancellationToken),
                IpcFraming.Line => ReceiveLine(deadline, cancellationToken),
                _ => ReceiveRaw(deadline, cancellationToken),
            };
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiter.Wake();
            _readFd?.Dispose();
            _writeFd?.Dispose();
            _waiter.Dispose();
        }
    }

    private void WriteAll(ReadOnlySpan<byte> data, Deadline deadline, CancellationToken cancellationToken) =>
        WriteAll(data, default, deadline, cancellationToken);

    /// <summary>Writes <paramref name="first"/> then <paramref name="second"/>, completing short writes; a send cut
    /// off in the middle of a frame marks the stream as no longer aligned.</summary>
    private void WriteAll(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Deadline deadline, CancellationToken cancellationToken)
    {
        SafeFd fd = _writeFd ?? throw new InvalidOperationException("This end cannot send.");
        int total = first.Length + second.Length;
        int written = 0;
        try
        {
            while (written < total)
            {
                int n = written >= first.Length ? Fd.Write(fd, second.Slice(written - first.Length))
                    : second.IsEmpty ? Fd.Write(fd, first.Slice(written))
                    : Fd.Write(fd, first.Slice(written), second);
                if (n >= 0)
                {
                    written += n;
                }
                else
                {
                    WaitReady(fd, Fd.POLLOUT, deadline, cancellationToken);
                }
            }
        }
        catch when (written > 0 && written < total && Framing == IpcFraming.Message)
        {
            _faulted = true;
            throw;
        }
    }

    private void WaitReady(SafeFd fd, short events, Deadline deadline, CancellationToken cancellationToken) =>
        _waiter.Wait(fd, events, deadline, cancellationToken, ThrowIfClosed, () => Timeout(events, deadline));

    private IpcTimeoutException Timeout(short events, Deadline deadline) => events == Fd.POLLOUT
        ? new IpcTimeoutException("SendTimeout",
            $"Sending on {this} did not complete within {deadline.Timeout}: the reader is not taking data. Check "
            + "that the reader is running, or raise -Timeout.")
        : new IpcTimeoutException("ReceiveTimeout",
            $"No message arrived on {this} within {deadline.Timeout}. Check that the writer is running, or raise "
            + "-Timeout.");
}

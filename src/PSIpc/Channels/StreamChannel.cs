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
public abstract class StreamChannel : IpcChannel
{
    private const int InitialBuffer = 64 * 1024;

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

        ChannelRegistry.Track(this);
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
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.Batching;

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        CancellationToken cancellationToken = wait.Cancel;
        lock (_sendLock)
        {
            ThrowIfFaulted();
            int total = payload.Length + FrameOverhead;
            byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
            try
            {
                WriteAll(rented.AsSpan(0, WriteFrame(rented, 0, payload, encoding)), deadline, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
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
    private int WriteFrame(byte[] buffer, int at, ReadOnlySpan<byte> payload, IpcEncoding encoding)
    {
        if (Framing == IpcFraming.Message)
        {
            Frame.WriteHeader(buffer.AsSpan(at, Frame.HeaderSize), encoding, payload.Length);
            at += Frame.HeaderSize;
        }

        payload.CopyTo(buffer.AsSpan(at));
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
            throw new InvalidOperationException($"An earlier send on {this} stopped in the middle of a message, so the stream is no longer aligned on message boundaries. Close the channel and open a new one.");
        }
    }

    /// <summary>Takes a complete message if one is there, without waiting: null with LastReceiveWouldBlock when none, null without it at end of stream.</summary>
    internal RawMessage? ReceiveRawNow() => ReceiveCore(IpcWait.Now);

    /// <summary>The read end's descriptor, for callers that poll many channels at once (socket servers).</summary>
    internal SafeFd? ReadDescriptor => _readFd;

    /// <summary>True when the last Receive with NoWait returned null because nothing complete was there, not because the stream ended.</summary>
    internal bool LastReceiveWouldBlock => _wouldBlock;

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        CancellationToken cancellationToken = wait.Cancel;
        lock (_receiveLock)
        {
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

    private RawMessage? ReceiveFrame(Deadline deadline, CancellationToken cancellationToken)
    {
        // Nothing is consumed until the whole frame is buffered, so a timeout in the middle of a frame loses nothing.
        if (!Fill(Frame.HeaderSize, deadline, cancellationToken))
        {
            return _wouldBlock ? null : CheckCleanEnd("header");
        }

        IpcEncoding encoding;
        int length;
        try
        {
            (encoding, length) = Frame.ReadHeader(_buffer.AsSpan(_start, Frame.HeaderSize), MaxMessageSize);
        }
        catch (IpcProtocolException e)
        {
            // Resynchronize: skip to the next plausible header, so one peer's garbage costs one error and the valid
            // frames written after it (by that peer or others on the same FIFO) are still received.
            int skipped = SkipToNextHeader();
            throw new IpcProtocolException(e.ErrorId, $"{e.Message} {skipped} bytes were skipped up to the next frame header; the messages after them can still be received.");
        }

        if (!Fill(Frame.HeaderSize + length, deadline, cancellationToken))
        {
            if (_wouldBlock)
            {
                return null;
            }

            int got = _end - _start - Frame.HeaderSize;
            Discard();
            throw new IpcProtocolException(
                "FrameTruncated",
                $"The peer closed {this} after {got} of the {length} bytes of a message; the partial message was discarded.");
        }

        byte[] payload = _buffer.AsSpan(_start + Frame.HeaderSize, length).ToArray();
        _start += Frame.HeaderSize + length;
        return new RawMessage(payload, length, encoding);
    }

    private RawMessage? ReceiveLine(Deadline deadline, CancellationToken cancellationToken)
    {
        int scanned = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineLength = scanned + newline;
                int contentLength = lineLength > 0 && _buffer[_start + lineLength - 1] == (byte)'\r' ? lineLength - 1 : lineLength;
                byte[] line = _buffer.AsSpan(_start, contentLength).ToArray();
                _start += lineLength + 1;
                return new RawMessage(line, contentLength, IpcEncoding.Text);
            }

            scanned = _end - _start;
            if (scanned > MaxMessageSize)
            {
                Discard();
                throw new IpcProtocolException("LineTooLong", $"A line on {this} is longer than the limit of {MaxMessageSize} bytes (MaxMessageSize); it was discarded.");
            }

            if (!Fill(scanned + 1, deadline, cancellationToken))
            {
                if (_wouldBlock || _end == _start)
                {
                    return null;
                }

                // The last line of a stream need not end in a newline (as with printf without \n).
                byte[] last = _buffer.AsSpan(_start, _end - _start).ToArray();
                Discard();
                return new RawMessage(last, last.Length, IpcEncoding.Text);
            }
        }
    }

    private RawMessage? ReceiveRaw(Deadline deadline, CancellationToken cancellationToken)
    {
        if (!Fill(1, deadline, cancellationToken))
        {
            return null;
        }

        byte[] chunk = _buffer.AsSpan(_start, _end - _start).ToArray();
        Discard();
        return new RawMessage(chunk, chunk.Length, IpcEncoding.Text);
    }

    private RawMessage? CheckCleanEnd(string part)
    {
        if (_end == _start)
        {
            return null;
        }

        int got = _end - _start;
        Discard();
        throw new IpcProtocolException(
            "FrameTruncated",
            $"The peer closed {this} after {got} bytes of a {Frame.HeaderSize}-byte message {part}; the partial message was discarded.");
    }

    /// <summary>Drops buffered bytes up to the next 'P' 'I' version header after the current position; how many were dropped.</summary>
    private int SkipToNextHeader()
    {
        ReadOnlySpan<byte> header = stackalloc byte[] { Frame.Magic0, Frame.Magic1, Frame.Version };
        ReadOnlySpan<byte> rest = _buffer.AsSpan(_start + 1, _end - _start - 1);
        int at = rest.IndexOf(header);
        int skip;
        if (at >= 0)
        {
            skip = at + 1;
        }
        else
        {
            // Keep a tail that may be the start of a header whose other bytes have not arrived yet.
            int keep = rest.Length >= 2 && rest[^2] == Frame.Magic0 && rest[^1] == Frame.Magic1 ? 2
                : rest.Length >= 1 && rest[^1] == Frame.Magic0 ? 1 : 0;
            skip = _end - _start - keep;
        }

        _start += skip;
        return skip;
    }

    private void Discard()
    {
        _start = 0;
        _end = 0;
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered; false at end of stream first.</summary>
    private bool Fill(int count, Deadline deadline, CancellationToken cancellationToken)
    {
        SafeFd fd = _readFd ?? throw new InvalidOperationException("This end cannot receive.");
        while (_end - _start < count)
        {
            if (_eof)
            {
                return false;
            }

            EnsureSpace(count);
            if (_waitBeforeFirstRead)
            {
                // A FIFO opened for reading with no writer yet reads as end of stream; wait for a writer's data or hang-up first.
                WaitReady(fd, Fd.POLLIN, deadline, cancellationToken);
                _waitBeforeFirstRead = false;
            }

            int n = Fd.Read(fd, _buffer.AsSpan(_end));
            if (n > 0)
            {
                _end += n;
            }
            else if (n == 0)
            {
                _eof = true;
            }
            else if (_probing)
            {
                _wouldBlock = true;
                return false;
            }
            else
            {
                WaitReady(fd, Fd.POLLIN, deadline, cancellationToken);
            }
        }

        return true;
    }

    private void EnsureSpace(int count)
    {
        if (_buffer.Length == 0)
        {
            _buffer = new byte[Math.Max(InitialBuffer, count)];
        }

        if (_start > 0 && (_buffer.Length - _start < count || _end == _buffer.Length))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length < count || _end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        }
    }

    private void WriteAll(ReadOnlySpan<byte> data, Deadline deadline, CancellationToken cancellationToken)
    {
        SafeFd fd = _writeFd ?? throw new InvalidOperationException("This end cannot send.");
        int written = 0;
        try
        {
            while (written < data.Length)
            {
                int n = Fd.Write(fd, data.Slice(written));
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
        catch when (written > 0 && written < data.Length && Framing == IpcFraming.Message)
        {
            _faulted = true;
            throw;
        }
    }

    private void WaitReady(SafeFd fd, short events, Deadline deadline, CancellationToken cancellationToken) =>
        _waiter.Wait(fd, events, deadline, cancellationToken, ThrowIfClosed, () => Timeout(events, deadline));

    private IpcTimeoutException Timeout(short events, Deadline deadline) => events == Fd.POLLOUT
        ? new IpcTimeoutException("SendTimeout", $"Sending on {this} did not complete within {deadline.Timeout}: the reader is not taking data. Check that the reader is running, or raise -Timeout.")
        : new IpcTimeoutException("ReceiveTimeout", $"No message arrived on {this} within {deadline.Timeout}. Check that the writer is running, or raise -Timeout.");
}

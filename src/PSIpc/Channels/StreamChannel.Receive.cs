using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Taking messages out of the byte stream: whole frames, lines or raw chunks, buffered until complete.</summary>
public abstract partial class StreamChannel
{
    /// <summary>
    /// The next message frame. Receipts are taken on the way (and end the call when <paramref name="untilReceipt"/>);
    /// a message that asks for one carries, in its RawMessage, the action that sends it.
    /// </summary>
    private RawMessage? ReceiveFrame(Deadline deadline, CancellationToken cancellationToken, bool untilReceipt = false)
    {
        while (true)
        {
            RawMessage? frame = ReceiveOneFrame(deadline, cancellationToken, out bool wasReceipt);
            if (!wasReceipt || untilReceipt)
            {
                return frame;
            }
        }
    }

    private RawMessage? ReceiveOneFrame(Deadline deadline, CancellationToken cancellationToken, out bool wasReceipt)
    {
        wasReceipt = false;
        if (_partial is not null)
        {
            return FinishLargeFrame(deadline, cancellationToken);
        }

        // Nothing is consumed until the whole frame is buffered (or, for a large one, kept in _partial), so a timeout
        // in the middle of a frame loses nothing.
        if (!Fill(Frame.HeaderSize, deadline, cancellationToken))
        {
            return _wouldBlock ? null : CheckCleanEnd("header");
        }

        IpcEncoding encoding;
        int length;
        byte flags;
        try
        {
            (encoding, length) = Frame.ReadHeader(_buffer.AsSpan(_start, Frame.HeaderSize), MaxMessageSize, out flags);
        }
        catch (IpcProtocolException e)
        {
            // Resynchronize: skip to the next plausible header, so one peer's garbage costs one error and the valid
            // frames written after it (by that peer or others on the same FIFO) are still received.
            int skipped = SkipToNextHeader();
            throw new IpcProtocolException(e.ErrorId,
                $"{e.Message} {skipped} bytes were skipped up to the next frame header; the messages after them can "
                + "still be received.");
        }

        if (flags == 0 && length >= DirectReadSize && _end - _start < Frame.HeaderSize + length)
        {
            // A large frame is read straight into its own array, one copy fewer than through the buffer; what is
            // buffered already goes first.
            int have = _end - _start - Frame.HeaderSize;
            _partial = new byte[length];
            _buffer.AsSpan(_start + Frame.HeaderSize, have).CopyTo(_partial);
            _partialFilled = have;
            _partialEncoding = encoding;
            Discard();
            return FinishLargeFrame(deadline, cancellationToken);
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

        int at = _start + Frame.HeaderSize;
        _start += Frame.HeaderSize + length;
        if (flags == Frame.Receipt)
        {
            wasReceipt = true;
            TakeReceipt(Frame.ReadSequence(_buffer.AsSpan(at, Frame.SequenceSize)));
            return null;
        }

        if (flags == Frame.ReceiptRequested)
        {
            long sequence = Frame.ReadSequence(_buffer.AsSpan(at, Frame.SequenceSize));
            byte[] body = _buffer.AsSpan(at + Frame.SequenceSize, length - Frame.SequenceSize).ToArray();
            return new RawMessage(body, body.Length, encoding) { Receipt = () => SendReceipt(sequence) };
        }

        byte[] payload = _buffer.AsSpan(at, length).ToArray();
        return new RawMessage(payload, length, encoding);
    }

    /// <summary>Reads the rest of the large frame in <see cref="_partial"/> into it; null (kept for the next call)
    /// when a NoWait receive finds nothing more yet.</summary>
    private RawMessage? FinishLargeFrame(Deadline deadline, CancellationToken cancellationToken)
    {
        byte[] body = _partial!;
        SafeFd fd = _readFd!;
        while (_partialFilled < body.Length)
        {
            if (_eof)
            {
                _partial = null;
                throw new IpcProtocolException(
                    "FrameTruncated",
                    $"The peer closed {this} after {_partialFilled} of the {body.Length} bytes of a message; the partial "
                    + "message was discarded.");
            }

            int n = ReadSome(fd, body.AsSpan(_partialFilled), deadline, cancellationToken);
            if (n < 0)
            {
                return null;
            }

            _partialFilled += n;
        }

        _partial = null;
        return new RawMessage(body, body.Length, _partialEncoding);
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
                throw new IpcProtocolException("LineTooLong",
                    $"A line on {this} is longer than the limit of {MaxMessageSize} bytes (MaxMessageSize); it was "
                    + "discarded.");
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

            int n = ReadSome(fd, _buffer.AsSpan(_end), deadline, cancellationToken);
            if (n < 0)
            {
                return false;
            }

            _end += n;
        }

        return true;
    }

    /// <summary>
    /// Reads what is there into <paramref name="into"/>, waiting until something is unless this is a NoWait receive:
    /// the count; 0 at end of stream (and <see cref="_eof"/> is set); -1 when a NoWait receive found nothing (and
    /// <see cref="_wouldBlock"/> is set).
    /// </summary>
    private int ReadSome(SafeFd fd, Span<byte> into, Deadline deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            int n = Fd.Read(fd, into);
            if (n >= 0)
            {
                _eof |= n == 0;
                return n;
            }

            if (_probing)
            {
                _wouldBlock = true;
                return -1;
            }

            WaitReady(fd, Fd.POLLIN, deadline, cancellationToken);
        }
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
}

using System;
using System.Buffers;
using System.Threading;

namespace PSIpc;

/// <summary>
/// The ring's calls for .NET callers that want its full speed: messages written straight into a slot and read where
/// they lie, or into the caller's buffer, with nothing allocated.
/// </summary>
public sealed unsafe partial class IpcRing
{
    /// <summary>
    /// Sends one message of <paramref name="length"/> bytes that <paramref name="write"/> writes straight into the
    /// ring's slot (no copy through a buffer of the caller's). When <paramref name="write"/> throws, the slot is given
    /// up and nothing is sent. Waits while the ring is full, unless <paramref name="noWait"/> (then ResourceBusy).
    /// </summary>
    public void SendInPlace<TState>(
        int length,
        SpanAction<byte, TState> write,
        TState state,
        IpcEncoding encoding = IpcEncoding.Bytes,
        TimeSpan? timeout = null,
        bool noWait = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        Enter();
        try
        {
            CheckSlotSize(length);
            byte* slot = ClaimFreeSlot(noWait, Deadline.After(timeout), cancellationToken, out long pos, out int claim);
            try
            {
                write(new Span<byte>(slot + SlotHeader, length), state);
            }
            catch
            {
                // The slot goes out marked as given up: consumers free it and take the next message.
                Publish(slot, pos, claim, GaveUpLength, IpcEncoding.Bytes);
                throw;
            }

            Publish(slot, pos, claim, length, encoding);
            CountSent(1);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>
    /// Receives the next message's payload into <paramref name="destination"/> without allocating: the payload length,
    /// or -1 when <paramref name="noWait"/> found the ring empty. For .NET callers that want the ring's full speed.
    /// </summary>
    public int ReceiveInto(
        Span<byte> destination, TimeSpan? timeout = null, bool noWait = false, CancellationToken cancellationToken = default)
    {
        if (destination.Length < MessageSize)
        {
            throw new ArgumentException(
                $"The buffer holds {destination.Length} bytes; the ring's messages can be {MessageSize}.", nameof(destination));
        }

        return ReceiveInPlace<object?>(null, null, timeout, noWait, cancellationToken, destination);
    }

    /// <summary>
    /// Hands the next message's payload to <paramref name="read"/> where it lies, in the ring's slot, without copying
    /// it out; the slot is freed when <paramref name="read"/> returns (or throws: the message is taken either way), so
    /// the span must not be kept. Returns the payload length, or -1 when <paramref name="noWait"/> found the ring empty.
    /// </summary>
    public int ReceiveInPlace<TState>(
        ReadOnlySpanAction<byte, TState> read,
        TState state,
        TimeSpan? timeout = null,
        bool noWait = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return ReceiveInPlace(read, state, timeout, noWait, cancellationToken, default);
    }

    /// <summary>The payload goes to <paramref name="read"/>, or is copied into <paramref name="destination"/> when that is given.</summary>
    private int ReceiveInPlace<TState>(
        ReadOnlySpanAction<byte, TState>? read,
        TState state,
        TimeSpan? timeout,
        bool noWait,
        CancellationToken cancellationToken,
        Span<byte> destination)
    {
        Enter();
        try
        {
            byte* slot = ClaimMessage(
                noWait, Deadline.After(timeout), cancellationToken, out long pos, out int claim, out int length, out _);
            if (slot == null)
            {
                return -1;
            }

            try
            {
                var source = new ReadOnlySpan<byte>(slot + SlotHeader, length);
                if (read is not null)
                {
                    read(source, state);
                }
                else
                {
                    source.CopyTo(destination);
                }
            }
            finally
            {
                FreeMessage(slot, pos, claim);
                CountReceived();
            }

            return length;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}

using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;

namespace PSIpc;

/// <summary>
/// Receipts between PSIpc peers on a connection (-WaitForReceipt): the message goes with the receipt-request flag and a
/// sequence number; the peer's Receive-IpcMessage answers with a receipt frame once it has taken it. Messages that
/// arrive while a sender waits are held, in order, for the next Receive.
/// </summary>
public abstract partial class StreamChannel : IReceiptChannel
{
    private readonly Queue<RawMessage> _held = new();
    private long _sequence;
    private long _receipted;

    DateTimeOffset IReceiptChannel.SendAndWaitForReceipt(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        long sequence;
        lock (_sendLock)
        {
            ThrowIfFaulted();
            sequence = ++_sequence;
            int total = Frame.HeaderSize + Frame.SequenceSize + payload.Length;
            byte[] rented = ArrayPool<byte>.Shared.Rent(total);
            try
            {
                Frame.WriteReceiptRequest(rented, encoding, payload.Length, sequence);
                payload.CopyTo(rented.AsSpan(Frame.HeaderSize + Frame.SequenceSize));
                WriteAll(rented.AsSpan(0, total), deadline, wait.Cancel);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        lock (_receiveLock)
        {
            _probing = false;
            while (Interlocked.Read(ref _receipted) < sequence)
            {
                RawMessage? message;
                try
                {
                    message = ReceiveFrame(deadline, wait.Cancel, untilReceipt: true);
                }
                catch (IpcTimeoutException)
                {
                    throw new IpcTimeoutException("ReceiptTimeout",
                        $"The peer of {this} did not receive the message within {deadline.Timeout}. Check that it is running "
                        + "Receive-IpcMessage, or raise -Timeout.");
                }

                if (message is { } data)
                {
                    _held.Enqueue(data);
                }
                else if (_eof && Interlocked.Read(ref _receipted) < sequence)
                {
                    throw new IpcProtocolException("PeerClosed",
                        $"The peer closed {this} before it received the message (no receipt came back).");
                }
            }
        }

        return DateTimeOffset.Now;
    }

    private void TakeReceipt(long sequence)
    {
        if (sequence > Interlocked.Read(ref _receipted))
        {
            Interlocked.Exchange(ref _receipted, sequence);
        }
    }

    /// <summary>Tells the peer its message <paramref name="sequence"/> was taken; a peer that is gone misses it.</summary>
    private void SendReceipt(long sequence)
    {
        Span<byte> receipt = stackalloc byte[Frame.ReceiptSize];
        Frame.WriteReceipt(receipt, sequence);
        try
        {
            lock (_sendLock)
            {
                if (!_faulted && IsOpen)
                {
                    WriteAll(receipt, Deadline.After(TimeSpan.FromSeconds(5)), CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e) || e is ObjectDisposedException)
        {
            // The peer closed or stopped reading: it no longer waits for this receipt.
        }
    }
}

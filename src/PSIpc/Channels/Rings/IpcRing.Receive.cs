using System;
using System.Threading;

namespace PSIpc;

/// <summary>The ring's consumer side: claiming the next message once it is published, and skipping a dead producer's hole.</summary>
public sealed unsafe partial class IpcRing
{
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
        Unregister(OffReaderClaims, claim);
        Free(slot, pos);
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
        var wait = new RingWait(this, OffItems, deadline, cancellationToken);
        try
        {
            long* dequeue = (long*)(_base + OffDequeue);
            while (true)
            {
                pos = Volatile.Read(ref *dequeue);
                byte* slot = Slot(pos);
                long seq = Volatile.Read(ref *(long*)slot);
                if (seq == pos + 1)
                {
                    if (Interlocked.CompareExchange(ref *dequeue, pos + 1, pos) != pos)
                    {
                        continue;
                    }

                    claim = Register(OffReaderClaims, pos);
                    if (Interlocked.CompareExchange(ref *(long*)slot, (pos + 1) | Reading, pos + 1) != pos + 1)
                    {
                        // A producer took this slot over, taking this process for dead: that message is gone.
                        Unregister(OffReaderClaims, claim);
                        continue;
                    }

                    length = *(int*)(slot + OffLength);
                    encoding = (IpcEncoding)slot[OffEncoding];
                    if (length == GaveUpLength)
                    {
                        FreeMessage(slot, pos, claim); // its producer gave it up: nothing was sent
                        continue;
                    }

                    if ((uint)length > (uint)MessageSize || (byte)encoding > (byte)IpcEncoding.Json)
                    {
                        FreeMessage(slot, pos, claim);
                        throw new IpcProtocolException("RingSlotInvalid",
                            $"A slot of the ring {Name} holds an impossible length ({length}) or encoding; the message "
                            + "was discarded.");
                    }

                    return slot;
                }

                long at = seq & ~Flags;
                if (at > pos + 1)
                {
                    // The position was skipped as a dead producer's hole: help the skipper move the queue on.
                    Interlocked.CompareExchange(ref *dequeue, pos + 1, pos);
                    continue;
                }

                bool writing = at == pos && Volatile.Read(ref *(long*)(_base + OffEnqueue)) > pos;
                if (writing && (noWait || wait.ShouldCheckOwner()) && SkipDeadProducer(slot, pos, seq, wait.Unmoved(pos, seq)))
                {
                    continue;
                }

                if (noWait)
                {
                    claim = 0;
                    length = 0;
                    encoding = default;
                    return null; // empty, or the next message is still being written: nothing was sent yet
                }

                wait.Pause(writing ? RingWait.Reason.ProducerHolds : RingWait.Reason.Empty);
            }
        }
        finally
        {
            wait.Leave();
        }
    }

    /// <summary>
    /// Skips the position a dead producer claimed (or, unrecorded, has not moved from for 5 s) and never published:
    /// the slot is freed for the next round, the queue moves on, and a producer waiting for room is woken.
    /// </summary>
    private bool SkipDeadProducer(byte* slot, long pos, long seq, long waited)
    {
        Holder writer = HolderOf(OffWriterClaims, pos, out int index);
        bool skip = writer == Holder.Dead || (writer == Holder.Unknown && seq == pos && waited > AbandonTicks);
        if (skip && Interlocked.CompareExchange(ref *(long*)slot, pos + Slots, seq) == seq)
        {
            ClearClaim(OffWriterClaims, index, pos);
            Interlocked.CompareExchange(ref *(long*)(_base + OffDequeue), pos + 1, pos);
            Wake(OffSpaces);
            return true;
        }

        return false;
    }
}

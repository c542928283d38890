using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>The claim tables in the ring's header: who holds which slot.</summary>
public sealed unsafe partial class IpcRing
{
    private void Enter()
    {
        Interlocked.Increment(ref _active);
        if (!IsOpen)
        {
            Interlocked.Decrement(ref _active);
            ThrowIfClosed();
        }

        try
        {
            CheckRegion();
        }
        catch
        {
            Interlocked.Decrement(ref _active);
            throw;
        }
    }

    /// <summary>
    /// A peer that shrinks the object must get an error, not a SIGBUS that ends the session: its size is checked
    /// (fstat) before slots are touched, at most once per tick of the coarse clock (Environment.TickCount64: 4 ms here,
    /// by the kernel's HZ), so a tight loop pays for no system call per message. The precise clock (Stopwatch) made a
    /// 16 B send and in-place receive in one thread cost 226-266 ns instead of 171-193 (PSIpc.Bench inprocess).
    /// </summary>
    private void CheckRegion()
    {
        long now = Environment.TickCount64;
        if (now != Volatile.Read(ref _sizeCheckedAt))
        {
            _region.CheckNotTruncated(_region.Size);
            Volatile.Write(ref _sizeCheckedAt, now);
        }
    }

    private static IntPtr Unsafe(IpcSharedMemory region)
    {
        fixed (byte* p = region.AsSpan(0, OffSlots))
        {
            return (IntPtr)p;
        }
    }

    private byte* Slot(long pos) => _base + OffSlots + ((pos & _mask) * _slotSize);

    /// <summary>Hands the slot read (or skipped) at <paramref name="pos"/> to the producer of the next round.</summary>
    private void Free(byte* slot, long pos)
    {
        Volatile.Write(ref *(long*)slot, pos + Slots);
        Wake(OffSpaces);
    }

    /// <summary>Records (position, this process) in a claims table; the entry's index, or -1 when the table is full.</summary>
    private int Register(int table, long pos)
    {
        long* t = (long*)(_base + table);
        int start = (int)((uint)(_pid * 31 + Environment.CurrentManagedThreadId) % ClaimSlots);
        for (int k = 0; k < ClaimSlots; k++)
        {
            int i = (start + k) % ClaimSlots;
            if (Volatile.Read(ref t[i * ClaimStride]) == 0 && Interlocked.CompareExchange(ref t[i * ClaimStride], pos + 1, 0) == 0)
            {
                Volatile.Write(ref t[(i * ClaimStride) + 1], _pid);
                return i;
            }
        }

        return -1;
    }

    private void Unregister(int table, int index)
    {
        if (index >= 0)
        {
            long* t = (long*)(_base + table);
            Volatile.Write(ref t[(index * ClaimStride) + 1], 0);
            Volatile.Write(ref t[index * ClaimStride], 0);
        }
    }

    /// <summary>Who holds the claim on <paramref name="pos"/> in a claims table, and where (-1 when unknown).</summary>
    private Holder HolderOf(int table, long pos, out int index)
    {
        long* t = (long*)(_base + table);
        for (int i = 0; i < ClaimSlots; i++)
        {
            if (Volatile.Read(ref t[i * ClaimStride]) != pos + 1)
            {
                continue;
            }

            long pid = Volatile.Read(ref t[(i * ClaimStride) + 1]);
            if (Volatile.Read(ref t[i * ClaimStride]) != pos + 1 || pid == 0)
            {
                break;
            }

            index = i;
            return pid == _pid || SignalsNative.ProcessExists((int)pid) ? Holder.Alive : Holder.Dead;
        }

        index = -1;
        return Holder.Unknown;
    }

    /// <summary>Clears another process's entry for <paramref name="pos"/> once its claim was recovered.</summary>
    private void ClearClaim(int table, int index, long pos)
    {
        if (index >= 0)
        {
            long* t = (long*)(_base + table);
            long pid = Volatile.Read(ref t[(index * ClaimStride) + 1]);
            if (Interlocked.CompareExchange(ref t[(index * ClaimStride) + 1], 0, pid) == pid)
            {
                Interlocked.CompareExchange(ref t[index * ClaimStride], 0, pos + 1);
            }
        }
    }

    private enum Holder
    {
        Unknown,
        Alive,
        Dead,
    }
}

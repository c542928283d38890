using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// System V message queues (msgget, msgsnd, msgrcv, msgctl), which Tmds.LibC lacks. The constants and the msqid_ds
/// offsets are Linux's for 64-bit targets; a test compiles a C program with gcc and compares them with the headers.
/// </summary>
internal static unsafe partial class SysVMessageQueues
{
    public const int IPC_PRIVATE = 0;
    public const int IPC_CREAT = 0x200;
    public const int IPC_EXCL = 0x400;
    public const int IPC_NOWAIT = 0x800;
    public const int IPC_RMID = 0;
    public const int IPC_SET = 1;
    public const int IPC_STAT = 2;
    public const int MSG_NOERROR = 0x1000;

    /// <summary>sizeof(struct msqid_ds) and the offsets of the fields PSIpc reads (x86_64 and arm64).</summary>
    public const int MsqidDsSize = 120;
    public const int OffsetUid = 4;
    public const int OffsetMode = 20;
    public const int OffsetStime = 48;
    public const int OffsetRtime = 56;
    public const int OffsetCbytes = 72;
    public const int OffsetQnum = 80;
    public const int OffsetQbytes = 88;
    public const int OffsetLspid = 96;
    public const int OffsetLrpid = 100;

    /// <summary>Whether the msqid_ds layout above is the running process's (64-bit Linux).</summary>
    public static bool LayoutKnown => IntPtr.Size == 8;

    public static int Get(int key, int flags)
    {
        int id = msgget(key, flags);
        return id >= 0 ? id : throw new NativeException("msgget", Marshal.GetLastPInvokeError());
    }

    /// <summary>msgsnd; returns false (without throwing) when IPC_NOWAIT was given and the queue is full.</summary>
    public static bool Send(int id, long type, ReadOnlySpan<byte> payload, bool noWait)
    {
        int header = IntPtr.Size;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(header + payload.Length);
        try
        {
            fixed (byte* b = buffer)
            {
                *(nint*)b = (nint)type;
                payload.CopyTo(new Span<byte>(b + header, payload.Length));
                while (true)
                {
                    if (msgsnd(id, b, (nuint)payload.Length, noWait ? IPC_NOWAIT : 0) == 0)
                    {
                        return true;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EAGAIN && noWait)
                    {
                        return false;
                    }

                    if (errno != Errno.EINTR)
                    {
                        throw new NativeException("msgsnd", errno);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// msgrcv with IPC_NOWAIT: the payload length and type, or -1 when no message of that type is there (ENOMSG).
    /// The buffer must hold a long (the type) plus the largest payload wanted.
    /// </summary>
    public static int TryReceive(int id, Span<byte> buffer, long type, out long receivedType)
    {
        int header = IntPtr.Size;
        fixed (byte* b = buffer)
        {
            while (true)
            {
                nint n = msgrcv(id, b, (nuint)(buffer.Length - header), (nint)type, IPC_NOWAIT);
                if (n >= 0)
                {
                    receivedType = *(nint*)b;
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.ENOMSG)
                {
                    receivedType = 0;
                    return -1;
                }

                if (errno != Errno.EINTR)
                {
                    throw new NativeException("msgrcv", errno);
                }
            }
        }
    }

    public static void Remove(int id)
    {
        if (msgctl(id, IPC_RMID, null) != 0)
        {
            throw new NativeException("msgctl", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>IPC_STAT into a raw msqid_ds image.</summary>
    public static byte[] Stat(int id)
    {
        byte[] ds = new byte[MsqidDsSize];
        fixed (byte* p = ds)
        {
            if (msgctl(id, IPC_STAT, p) != 0)
            {
                throw new NativeException("msgctl", Marshal.GetLastPInvokeError());
            }
        }

        return ds;
    }

    /// <summary>IPC_STAT, change msg_qbytes, IPC_SET (raising it above msgmnb needs CAP_SYS_RESOURCE).</summary>
    public static void SetMaxBytes(int id, long bytes)
    {
        // The kernel keeps msg_qbytes in 32 bits: a larger value wraps (2^40 became 0, a queue that takes nothing).
        if (bytes < 1 || bytes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), $"A System V queue holds 1 to {int.MaxValue} bytes (msg_qbytes); {bytes} is not.");
        }

        byte[] ds = Stat(id);
        fixed (byte* p = ds)
        {
            *(ulong*)(p + OffsetQbytes) = (ulong)bytes;
            if (msgctl(id, IPC_SET, p) != 0)
            {
                throw new NativeException("msgctl", Marshal.GetLastPInvokeError());
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int msgget(int key, int msgflg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int msgsnd(int msqid, void* msgp, nuint msgsz, int msgflg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint msgrcv(int msqid, void* msgp, nuint msgsz, nint msgtyp, int msgflg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int msgctl(int msqid, int cmd, void* buf);
}

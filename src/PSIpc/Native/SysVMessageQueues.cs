using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// System V message queues (msgget, msgsnd, msgrcv, msgctl), which Tmds.LibC lacks. The constants and the msqid_ds
/// offsets are Linux's for 64-bit targets; a test compiles a C program with gcc and compares them with the headers.
/// </summary>
[CHeader("sys/msg.h")]
internal static unsafe partial class SysVMessageQueues
{
    [CValue("IPC_PRIVATE")]
    public const int IPC_PRIVATE = 0;
    [CValue]
    public const int IPC_CREAT = 0x200;
    [CValue]
    public const int IPC_EXCL = 0x400;
    [CValue]
    public const int IPC_NOWAIT = 0x800;
    [CValue]
    public const int IPC_RMID = 0;
    [CValue]
    public const int IPC_SET = 1;
    [CValue]
    public const int IPC_STAT = 2;
    [CValue]
    public const int MSG_NOERROR = 0x1000;

    /// <summary>sizeof(struct msqid_ds) and the offsets of the fields PSIpc reads (x86_64 and arm64).</summary>
    [CValue("sizeof(struct msqid_ds)")]
    public const int MsqidDsSize = 120;
    [CValue("offsetof(struct msqid_ds, msg_perm.uid)")]
    public const int OffsetUid = 4;
    [CValue("offsetof(struct msqid_ds, msg_perm.mode)")]
    public const int OffsetMode = 20;
    [CValue("offsetof(struct msqid_ds, msg_stime)")]
    public const int OffsetStime = 48;
    [CValue("offsetof(struct msqid_ds, msg_rtime)")]
    public const int OffsetRtime = 56;
    [CValue("offsetof(struct msqid_ds, __msg_cbytes)")]
    public const int OffsetCbytes = 72;
    [CValue("offsetof(struct msqid_ds, msg_qnum)")]
    public const int OffsetQnum = 80;
    [CValue("offsetof(struct msqid_ds, msg_qbytes)")]
    public const int OffsetQbytes = 88;
    [CValue("offsetof(struct msqid_ds, msg_lspid)")]
    public const int OffsetLspid = 96;
    [CValue("offsetof(struct msqid_ds, msg_lrpid)")]
    public const int OffsetLrpid = 100;

    /// <summary>Whether the msqid_ds layout above is the running process's (64-bit Linux).</summary>
    public static bool LayoutKnown => IntPtr.Size == 8;

    /// <summary>The size of msgbuf's mtype (a C long), which comes before the message text.</summary>
    public static int TypeSize => IntPtr.Size;

    public static int Get(int key, int flags) => (int)Syscall.Check("msgget", (key, flags), static a => msgget(a.key, a.flags));

    /// <summary>
    /// msgsnd with IPC_NOWAIT of the <paramref name="length"/> bytes after <see cref="TypeSize"/> in
    /// <paramref name="msgbuf"/>, as <paramref name="type"/>; false when the queue is full.
    /// </summary>
    public static bool TrySend(int id, long type, byte[] msgbuf, int length)
    {
        fixed (byte* b = msgbuf)
        {
            *(nint*)b = (nint)type;
            long sent = Syscall.Try(
                (id, b: (nint)b, length), static a => msgsnd(a.id, (void*)a.b, (nuint)a.length, IPC_NOWAIT), out int errno);
            return sent >= 0 || (errno == Errno.EAGAIN ? false : throw new NativeException("msgsnd", errno));
        }
    }

    /// <summary>
    /// msgrcv with IPC_NOWAIT into <paramref name="msgbuf"/> (the type, then the text): the text's length, or -1 when no
    /// message <paramref name="selector"/> picks is there (ENOMSG).
    /// </summary>
    public static int TryReceive(int id, byte[] msgbuf, long selector)
    {
        fixed (byte* b = msgbuf)
        {
            var call = (id, b: (nint)b, size: (nuint)(msgbuf.Length - TypeSize), selector);
            long n = Syscall.Try(call, static a => msgrcv(a.id, (void*)a.b, a.size, (nint)a.selector, IPC_NOWAIT), out int errno);
            return n >= 0 ? (int)n : errno == Errno.ENOMSG ? -1 : throw new NativeException("msgrcv", errno);
        }
    }

    public static void Remove(int id) => Syscall.Check("msgctl", msgctl(id, IPC_RMID, null));

    /// <summary>IPC_STAT into a raw msqid_ds image.</summary>
    public static byte[] Stat(int id)
    {
        byte[] ds = new byte[MsqidDsSize];
        fixed (byte* p = ds)
        {
            Syscall.Check("msgctl", msgctl(id, IPC_STAT, p));
        }

        return ds;
    }

    /// <summary>IPC_STAT, change msg_qbytes, IPC_SET (raising it above msgmnb needs CAP_SYS_RESOURCE).</summary>
    public static void SetMaxBytes(int id, long bytes)
    {
        // The kernel keeps msg_qbytes in 32 bits: a larger value wraps (2^40 became 0, a queue that takes nothing).
        if (bytes < 1 || bytes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bytes), $"A System V queue holds 1 to {int.MaxValue} bytes (msg_qbytes); {bytes} is not.");
        }

        byte[] ds = Stat(id);
        fixed (byte* p = ds)
        {
            *(ulong*)(p + OffsetQbytes) = (ulong)bytes;
            Syscall.Check("msgctl", msgctl(id, IPC_SET, p));
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

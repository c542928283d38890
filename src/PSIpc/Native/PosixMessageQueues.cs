using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>struct mq_attr: four longs and four reserved longs (64 bytes on 64-bit Linux).</summary>
[StructLayout(LayoutKind.Sequential)]
[CStruct("struct mq_attr")]
[CHeader("mqueue.h")]
internal struct MqAttr
{
    [CField("mq_flags")]
    public nint Flags;
    [CField("mq_maxmsg")]
    public nint MaxMessages;
    [CField("mq_msgsize")]
    public nint MessageSize;
    [CField("mq_curmsgs")]
    public nint CurrentMessages;
    private nint _reserved0;
    private nint _reserved1;
    private nint _reserved2;
    private nint _reserved3;
}

/// <summary>
/// POSIX message queues (mq_open, mq_send, mq_receive, mq_getattr, mq_unlink), which Tmds.LibC lacks. On Linux an
/// mqd_t is a file descriptor, so queues are opened non-blocking and waited on with poll(2) like pipes.
/// </summary>
internal static unsafe partial class PosixMessageQueues
{
    public static SafeFd Open(string name, int flags, uint mode, MqAttr? attributes)
    {
        MqAttr attr = attributes ?? default;
        var call = (name, flags: flags | Fd.O_CLOEXEC, mode, attr: attributes is null ? 0 : (nint)(&attr));
        return new SafeFd(
            (int)Syscall.Check("mq_open", call, static a => mq_open(a.name, a.flags, a.mode, (MqAttr*)a.attr)), ownsHandle: true);
    }

    /// <summary>mq_send on a non-blocking queue: false when the queue is full (EAGAIN).</summary>
    public static bool TrySend(SafeFd queue, ReadOnlySpan<byte> payload, uint priority)
    {
        fixed (byte* b = payload)
        {
            var call = (queue, b: (nint)b, length: payload.Length, priority);
            long sent = Syscall.Try(call, static a => mq_send(a.queue, (byte*)a.b, (nuint)a.length, a.priority), out int errno);
            return sent >= 0 || (errno == Errno.EAGAIN ? false : throw new NativeException("mq_send", errno));
        }
    }

    /// <summary>mq_receive on a non-blocking queue: the length, or -1 when the queue is empty (EAGAIN).</summary>
    public static int TryReceive(SafeFd queue, Span<byte> buffer, out uint priority)
    {
        fixed (byte* b = buffer)
        {
            uint prio = 0;
            var call = (queue, b: (nint)b, length: buffer.Length, prio: (nint)(&prio));
            long n = Syscall.Try(call, static a => mq_receive(a.queue, (byte*)a.b, (nuint)a.length, (uint*)a.prio), out int errno);
            priority = prio;
            return n >= 0 ? (int)n : errno == Errno.EAGAIN ? -1 : throw new NativeException("mq_receive", errno);
        }
    }

    public static MqAttr GetAttributes(SafeFd queue)
    {
        MqAttr attr;
        Syscall.Check("mq_getattr", mq_getattr(queue, &attr));
        return attr;
    }

    public static void Unlink(string name) => Syscall.Check("mq_unlink", mq_unlink(name));

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mq_open(string name, int oflag, uint mode, MqAttr* attr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mq_send(SafeFd mqdes, byte* msg, nuint len, uint prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mq_receive(SafeFd mqdes, byte* msg, nuint len, uint* prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mq_getattr(SafeFd mqdes, MqAttr* attr);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mq_unlink(string name);
}

using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>struct mq_attr: four longs and four reserved longs (64 bytes on 64-bit Linux).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MqAttr
{
    public nint Flags;
    public nint MaxMessages;
    public nint MessageSize;
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
        while (true)
        {
            int fd = mq_open(name, flags | Fd.O_CLOEXEC, mode, attributes is null ? null : &attr);
            if (fd >= 0)
            {
                return new SafeFd(fd, ownsHandle: true);
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                throw new NativeException("mq_open", errno);
            }
        }
    }

    /// <summary>mq_send on a non-blocking queue: false when the queue is full (EAGAIN).</summary>
    public static bool TrySend(SafeFd queue, ReadOnlySpan<byte> payload, uint priority)
    {
        using var lease = new FdLease(queue);
        fixed (byte* b = payload)
        {
            while (true)
            {
                if (mq_send(lease.Value, b, (nuint)payload.Length, priority) == 0)
                {
                    return true;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                {
                    return false;
                }

                if (errno != Errno.EINTR)
                {
                    throw new NativeException("mq_send", errno);
                }
            }
        }
    }

    /// <summary>mq_receive on a non-blocking queue: the length, or -1 when the queue is empty (EAGAIN).</summary>
    public static int TryReceive(SafeFd queue, Span<byte> buffer, out uint priority)
    {
        using var lease = new FdLease(queue);
        fixed (byte* b = buffer)
        {
            uint prio;
            while (true)
            {
                nint n = mq_receive(lease.Value, b, (nuint)buffer.Length, &prio);
                if (n >= 0)
                {
                    priority = prio;
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                {
                    priority = 0;
                    return -1;
                }

                if (errno != Errno.EINTR)
                {
                    throw new NativeException("mq_receive", errno);
                }
            }
        }
    }

    public static MqAttr GetAttributes(SafeFd queue)
    {
        using var lease = new FdLease(queue);
        MqAttr attr;
        if (mq_getattr(lease.Value, &attr) != 0)
        {
            throw new NativeException("mq_getattr", Marshal.GetLastPInvokeError());
        }

        return attr;
    }

    public static void Unlink(string name)
    {
        if (mq_unlink(name) != 0)
        {
            throw new NativeException("mq_unlink", Marshal.GetLastPInvokeError());
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mq_open(string name, int oflag, uint mode, MqAttr* attr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mq_send(int mqdes, byte* msg, nuint len, uint prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mq_receive(int mqdes, byte* msg, nuint len, uint* prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mq_getattr(int mqdes, MqAttr* attr);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mq_unlink(string name);
}

using System;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// Descriptor calls of libc: opening, pipes, reading and writing, fcntl flags (this file); files and their modes
/// (Fd.Files.cs); poll and eventfd (Fd.Poll.cs). Each goes through <see cref="Syscall"/>, which retries EINTR and throws
/// <see cref="NativeException"/> naming the function. Descriptors are opened with O_CLOEXEC unless a caller clears it.
/// </summary>
[CHeader("limits.h")]
internal static unsafe partial class Fd
{
    /// <summary>Returned by Read and Write when a non-blocking descriptor would block.</summary>
    public const int WouldBlock = -1;

    /// <summary>PIPE_BUF (limits.h): the largest write that is atomic on a pipe or FIFO.</summary>
    [CValue("PIPE_BUF")]
    public const int PipeBuf = 4096;

    public static int O_RDONLY => LibC.O_RDONLY;
    public static int O_WRONLY => LibC.O_WRONLY;
    public static int O_RDWR => LibC.O_RDWR;
    public static int O_NONBLOCK => LibC.O_NONBLOCK;
    public static int O_CLOEXEC => LibC.O_CLOEXEC;
    public static int O_NOFOLLOW => LibC.O_NOFOLLOW;
    public static int O_PATH => LibC.O_PATH;

    public static SafeFd Open(string path, int flags, uint mode = 0) =>
        TryOpen(path, flags, out int errno, mode) ?? throw new NativeException("open", errno);

    /// <summary>Opens without throwing; returns null and the errno when open fails.</summary>
    public static SafeFd? TryOpen(string path, int flags, out int errno, uint mode = 0)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            long fd = Syscall.Try(
                ((nint)pp, flags | LibC.O_CLOEXEC, mode), static a => LibC.open((byte*)a.Item1, a.Item2, (ushort)a.mode), out errno);
            return fd >= 0 ? new SafeFd((int)fd, ownsHandle: true) : null;
        }
    }

    public static void Pipe(out SafeFd readEnd, out SafeFd writeEnd)
    {
        int* fds = stackalloc int[2];
        Syscall.Check("pipe2", LibC.pipe2(fds, LibC.O_CLOEXEC));
        readEnd = new SafeFd(fds[0], ownsHandle: true);
        writeEnd = new SafeFd(fds[1], ownsHandle: true);
    }

    public static void SetNonBlocking(SafeFd fd, bool on) => SetFlag(fd, LibC.F_GETFL, LibC.F_SETFL, LibC.O_NONBLOCK, on);

    public static void SetCloseOnExec(SafeFd fd, bool on) => SetFlag(fd, LibC.F_GETFD, LibC.F_SETFD, LibC.FD_CLOEXEC, on);

    /// <summary>O_RDONLY, O_WRONLY or O_RDWR: how the descriptor was opened.</summary>
    public static int GetAccessMode(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        return (int)Syscall.Check("fcntl", LibC.fcntl(lease.Value, LibC.F_GETFL)) & LibC.O_ACCMODE;
    }

    /// <summary>Asks for a pipe buffer of <paramref name="bytes"/> (up to /proc/sys/fs/pipe-max-size); returns
    /// the size granted, or -1.</summary>
    public static int TrySetPipeSize(SafeFd fd, int bytes)
    {
        using var lease = new FdLease(fd);
        return LibC.fcntl(lease.Value, LibC.F_SETPIPE_SZ, bytes);
    }

    public static int GetPipeSize(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        return (int)Syscall.Check("fcntl", LibC.fcntl(lease.Value, LibC.F_GETPIPE_SZ));
    }

    /// <summary>Reads what is there: the count (0 at end of stream) or <see cref="WouldBlock"/>.</summary>
    public static int Read(SafeFd fd, Span<byte> buffer)
    {
        using var lease = new FdLease(fd);
        fixed (byte* b = buffer)
        {
            long n = Syscall.Try(
                (lease.Value, (nint)b, buffer.Length), static a => LibC.read(a.Value, (void*)a.Item2, a.Length), out int errno);
            return n >= 0 ? (int)n : errno == LibC.EAGAIN ? WouldBlock : throw new NativeException("read", errno);
        }
    }

    /// <summary>Writes what fits: the count written (possibly short) or <see cref="WouldBlock"/>.</summary>
    public static int Write(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        using var lease = new FdLease(fd);
        fixed (byte* b = buffer)
        {
            long n = Syscall.Try(
                (lease.Value, (nint)b, buffer.Length), static a => LibC.write(a.Value, (void*)a.Item2, a.Length), out int errno);
            return n >= 0 ? (int)n : errno == LibC.EAGAIN ? WouldBlock : throw new NativeException("write", errno);
        }
    }

    /// <summary>
    /// Writes <paramref name="first"/> then <paramref name="second"/> with one writev(2), as one write would (atomic on
    /// a pipe up to PIPE_BUF): the count written (possibly short) or <see cref="WouldBlock"/>.
    /// </summary>
    public static int Write(SafeFd fd, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var lease = new FdLease(fd);
        fixed (byte* a = first, b = second)
        {
            iovec* iov = stackalloc iovec[2];
            iov[0] = new iovec { iov_base = a, iov_len = first.Length };
            iov[1] = new iovec { iov_base = b, iov_len = second.Length };
            long n = Syscall.Try((lease.Value, (nint)iov), static s => writev(s.Value, (iovec*)s.Item2, 2), out int errno);
            // Reported as write: the gather form of the same call, and error ids such as write,EPIPE stay what scripts match.
            return n >= 0 ? (int)n : errno == LibC.EAGAIN ? WouldBlock : throw new NativeException("write", errno);
        }
    }

    /// <summary>writev(2), which Tmds.LibC 0.5.0 does not declare.</summary>
    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial nint writev(int fd, iovec* iov, int iovcnt);

    private static void SetFlag(SafeFd fd, int getCmd, int setCmd, int flag, bool on)
    {
        using var lease = new FdLease(fd);
        int flags = (int)Syscall.Check("fcntl", LibC.fcntl(lease.Value, getCmd));
        int wanted = on ? flags | flag : flags & ~flag;
        if (wanted != flags)
        {
            Syscall.Check("fcntl", LibC.fcntl(lease.Value, setCmd, wanted));
        }
    }
}

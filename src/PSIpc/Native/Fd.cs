using System;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>open(2) flags PSIpc passes through to other calls (mq_open).</summary>
internal static class LibCFlags
{
    public static int O_CREAT => LibC.O_CREAT;
    public static int O_EXCL => LibC.O_EXCL;
}

/// <summary>What stat(2) says about a file, without Tmds.LibC types.</summary>
internal readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Inode, long Size)
{
    private const uint TypeMask = 0xF000;

    public bool IsFifo => (Mode & TypeMask) == 0x1000;

    public bool IsSocket => (Mode & TypeMask) == 0xC000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsRegular => (Mode & TypeMask) == 0x8000;

    /// <summary>The permission bits (including setuid, setgid and sticky).</summary>
    public uint Permissions => Mode & 0xFFF;
}

/// <summary>
/// Thin wrappers over the descriptor calls of libc. Each retries EINTR, reads errno at once and throws
/// <see cref="NativeException"/> naming the function. Descriptors are opened with O_CLOEXEC unless a caller clears it.
/// </summary>
internal static unsafe partial class Fd
{
    /// <summary>Returned by Read and Write when a non-blocking descriptor would block.</summary>
    public const int WouldBlock = -1;

    /// <summary>PIPE_BUF (limits.h): the largest write that is atomic on a pipe or FIFO.</summary>
    public const int PipeBuf = 4096;

    public static int O_RDONLY => LibC.O_RDONLY;
    public static int O_WRONLY => LibC.O_WRONLY;
    public static int O_RDWR => LibC.O_RDWR;
    public static int O_NONBLOCK => LibC.O_NONBLOCK;
    public static int O_CLOEXEC => LibC.O_CLOEXEC;
    public static int O_NOFOLLOW => LibC.O_NOFOLLOW;
    public static int O_PATH => LibC.O_PATH;
    public static short POLLIN => LibC.POLLIN;
    public static short POLLOUT => LibC.POLLOUT;

    private static short PollHangup => (short)((ushort)LibC.POLLHUP | (ushort)LibC.POLLERR | (ushort)LibC.POLLNVAL);

    public static SafeFd Open(string path, int flags, uint mode = 0)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            while (true)
            {
                int fd = LibC.open(pp, flags | LibC.O_CLOEXEC, (ushort)mode);
                if (fd >= 0)
                {
                    return new SafeFd(fd, ownsHandle: true);
                }

                int errno = LibC.errno;
                if (errno != LibC.EINTR)
                {
                    throw new NativeException("open", errno);
                }
            }
        }
    }

    /// <summary>Opens without throwing; returns null and the errno when open fails.</summary>
    public static SafeFd? TryOpen(string path, int flags, out int errno, uint mode = 0)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            while (true)
            {
                int fd = LibC.open(pp, flags | LibC.O_CLOEXEC, (ushort)mode);
                if (fd >= 0)
                {
                    errno = 0;
                    return new SafeFd(fd, ownsHandle: true);
                }

                errno = LibC.errno;
                if (errno != LibC.EINTR)
                {
                    return null;
                }
            }
        }
    }

    public static void Pipe(out SafeFd readEnd, out SafeFd writeEnd)
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0)
        {
            throw new NativeException("pipe2", LibC.errno);
        }

        readEnd = new SafeFd(fds[0], ownsHandle: true);
        writeEnd = new SafeFd(fds[1], ownsHandle: true);
    }

    public static void SetNonBlocking(SafeFd fd, bool on) => SetFlag(fd, LibC.F_GETFL, LibC.F_SETFL, LibC.O_NONBLOCK, on);

    public static void SetCloseOnExec(SafeFd fd, bool on) => SetFlag(fd, LibC.F_GETFD, LibC.F_SETFD, LibC.FD_CLOEXEC, on);

    /// <summary>O_RDONLY, O_WRONLY or O_RDWR: how the descriptor was opened.</summary>
    public static int GetAccessMode(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        int flags = LibC.fcntl(lease.Value, LibC.F_GETFL);
        if (flags < 0)
        {
            throw new NativeException("fcntl", LibC.errno);
        }

        return flags & LibC.O_ACCMODE;
    }

    /// <summary>Asks for a pipe buffer of <paramref name="bytes"/> (up to /proc/sys/fs/pipe-max-size); returns the size granted, or -1.</summary>
    public static int TrySetPipeSize(SafeFd fd, int bytes)
    {
        using var lease = new FdLease(fd);
        return LibC.fcntl(lease.Value, LibC.F_SETPIPE_SZ, bytes);
    }

    public static int GetPipeSize(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        int size = LibC.fcntl(lease.Value, LibC.F_GETPIPE_SZ);
        return size < 0 ? throw new NativeException("fcntl", LibC.errno) : size;
    }

    /// <summary>Reads what is there: the count (0 at end of stream) or <see cref="WouldBlock"/>.</summary>
    public static int Read(SafeFd fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            return Transfer(fd, b, buffer.Length, write: false);
        }
    }

    /// <summary>Writes what fits: the count written (possibly short) or <see cref="WouldBlock"/>.</summary>
    public static int Write(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            return Transfer(fd, b, buffer.Length, write: true);
        }
    }

    /// <summary>
    /// Waits until <paramref name="fd"/> is ready for <paramref name="events"/> (or hung up), the wake eventfd fires,
    /// or the timeout (ms, -1 = none) passes. Returns true when fd is ready; false on timeout; sets woken when the eventfd fired.
    /// </summary>
    public static bool Poll(SafeFd fd, short events, SafeFd? wake, int timeoutMs, out bool woken)
    {
        using var lease = new FdLease(fd);
        bool wakeAdded = false;
        try
        {
            pollfd* fds = stackalloc pollfd[2];
            fds[0].fd = lease.Value;
            fds[0].events = events;
            int count = 1;
            if (wake is not null)
            {
                wake.DangerousAddRef(ref wakeAdded);
                fds[1].fd = (int)wake.DangerousGetHandle().ToInt64();
                fds[1].events = LibC.POLLIN;
                count = 2;
            }

            while (true)
            {
                fds[0].revents = 0;
                fds[1].revents = 0;
                int r = poll(fds, (nuint)count, timeoutMs);
                if (r < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    throw new NativeException("poll", errno);
                }

                woken = count == 2 && fds[1].revents != 0;
                return (fds[0].revents & (events | PollHangup)) != 0;
            }
        }
        finally
        {
            if (wakeAdded)
            {
                wake!.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// poll(2) on many descriptors at once, with the wake eventfd last. Fills <paramref name="ready"/> (one entry per
    /// descriptor) and returns whether the eventfd fired; false and no ready entries on timeout.
    /// </summary>
    public static bool PollMany(System.Collections.Generic.IReadOnlyList<SafeFd> fds, short events, SafeFd wake, int timeoutMs, Span<bool> ready)
    {
        int count = fds.Count + 1;
        pollfd[] set = new pollfd[count];
        bool[] added = new bool[count];
        try
        {
            for (int i = 0; i < fds.Count; i++)
            {
                fds[i].DangerousAddRef(ref added[i]);
                set[i].fd = (int)fds[i].DangerousGetHandle().ToInt64();
                set[i].events = events;
            }

            wake.DangerousAddRef(ref added[count - 1]);
            set[count - 1].fd = (int)wake.DangerousGetHandle().ToInt64();
            set[count - 1].events = LibC.POLLIN;
            fixed (pollfd* p = set)
            {
                while (poll(p, (nuint)count, timeoutMs) < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != LibC.EINTR)
                    {
                        throw new NativeException("poll", errno);
                    }
                }
            }

            for (int i = 0; i < fds.Count; i++)
            {
                ready[i] = (set[i].revents & (events | PollHangup)) != 0;
            }

            return set[count - 1].revents != 0;
        }
        finally
        {
            for (int i = 0; i < fds.Count; i++)
            {
                if (added[i])
                {
                    fds[i].DangerousRelease();
                }
            }

            if (added[count - 1])
            {
                wake.DangerousRelease();
            }
        }
    }

    public static SafeFd EventFd()
    {
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        return fd < 0 ? throw new NativeException("eventfd", LibC.errno) : new SafeFd(fd, ownsHandle: true);
    }

    /// <summary>Makes an eventfd readable (wakes every poll on it until drained).</summary>
    public static void SignalEvent(SafeFd eventFd)
    {
        ulong one = 1;
        if (eventFd.IsClosed)
        {
            return;
        }

        using var lease = new FdLease(eventFd);
        while (LibC.write(lease.Value, &one, sizeof(ulong)) < 0 && LibC.errno == LibC.EINTR)
        {
        }
    }

    public static void DrainEvent(SafeFd eventFd)
    {
        ulong value;
        using var lease = new FdLease(eventFd);
        while (LibC.read(lease.Value, &value, sizeof(ulong)) < 0 && LibC.errno == LibC.EINTR)
        {
        }
    }

    public static void MkFifo(string path, uint mode)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            if (LibC.mkfifo(pp, (ushort)mode) != 0)
            {
                throw new NativeException("mkfifo", LibC.errno);
            }
        }
    }

    public static void FChmod(SafeFd fd, uint mode)
    {
        using var lease = new FdLease(fd);
        while (LibC.fchmod(lease.Value, (ushort)mode) != 0)
        {
            int errno = LibC.errno;
            if (errno != LibC.EINTR)
            {
                throw new NativeException("fchmod", errno);
            }
        }
    }

    /// <summary>unlink(2) for cleanup after another failure: false instead of an exception, so the first error is the one reported.</summary>
    public static bool TryUnlink(string path)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            return LibC.unlink(pp) == 0;
        }
    }

    public static void Unlink(string path)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            if (LibC.unlink(pp) != 0)
            {
                throw new NativeException("unlink", LibC.errno);
            }
        }
    }

    /// <summary>lstat(2): the link itself, not what it points at.</summary>
    public static FileStatus LStat(string path)
    {
        byte[] p = PathBytes(path);
        stat st;
        fixed (byte* pp = p)
        {
            if (LibC.lstat(pp, &st) != 0)
            {
                throw new NativeException("lstat", LibC.errno);
            }
        }

        return ToStatus(st);
    }

    public static bool TryLStat(string path, out FileStatus status)
    {
        byte[] p = PathBytes(path);
        stat st;
        fixed (byte* pp = p)
        {
            if (LibC.lstat(pp, &st) != 0)
            {
                status = default;
                return false;
            }
        }

        status = ToStatus(st);
        return true;
    }

    /// <summary>stat(2), following links (for /proc/PID/fd entries); false when it fails.</summary>
    public static bool TryStatFollow(string path, out FileStatus status)
    {
        byte[] p = PathBytes(path);
        stat st;
        fixed (byte* pp = p)
        {
            if (LibC.stat(pp, &st) != 0)
            {
                status = default;
                return false;
            }
        }

        status = ToStatus(st);
        return true;
    }

    public static FileStatus FStat(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        stat st;
        if (LibC.fstat(lease.Value, &st) != 0)
        {
            throw new NativeException("fstat", LibC.errno);
        }

        return ToStatus(st);
    }

    public static uint GetUid() => LibC.getuid();

    public static uint GetEffectiveUid() => LibC.geteuid();

    /// <summary>
    /// Sets the mode of what an O_PATH descriptor names (fchmod refuses O_PATH descriptors): through its
    /// /proc/self/fd entry, which names that very inode whatever happens to the path meanwhile.
    /// </summary>
    public static void ChmodByDescriptor(SafeFd fd, uint mode)
    {
        using var lease = new FdLease(fd);
        byte[] p = PathBytes("/proc/self/fd/" + lease.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        fixed (byte* pp = p)
        {
            while (LibC.fchmodat(LibC.AT_FDCWD, pp, (ushort)mode, 0) != 0)
            {
                int errno = LibC.errno;
                if (errno != LibC.EINTR)
                {
                    throw new NativeException("fchmodat", errno);
                }
            }
        }
    }

    /// <summary>Whether process <paramref name="pid"/> exists (kill(pid, 0); EPERM means it exists but is another user's).</summary>
    public static bool ProcessExists(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        return LibC.kill(pid, 0) == 0 || LibC.errno != LibC.ESRCH;
    }

    /// <summary>One read(2) or write(2), retried on EINTR; EAGAIN becomes <see cref="WouldBlock"/>.</summary>
    private static int Transfer(SafeFd fd, byte* buffer, int length, bool write)
    {
        using var lease = new FdLease(fd);
        while (true)
        {
            long n = write ? LibC.write(lease.Value, buffer, length) : LibC.read(lease.Value, buffer, length);
            if (n >= 0)
            {
                return (int)n;
            }

            int errno = LibC.errno;
            if (errno == LibC.EAGAIN)
            {
                return WouldBlock;
            }

            if (errno != LibC.EINTR)
            {
                throw new NativeException(write ? "write" : "read", errno);
            }
        }
    }

    private static FileStatus ToStatus(in stat st) =>
        new((ushort)st.st_mode, (uint)st.st_uid, (uint)st.st_gid, (ulong)st.st_ino, (long)st.st_size);

    private static void SetFlag(SafeFd fd, int getCmd, int setCmd, int flag, bool on)
    {
        using var lease = new FdLease(fd);
        int flags = LibC.fcntl(lease.Value, getCmd);
        if (flags < 0)
        {
            throw new NativeException("fcntl", LibC.errno);
        }

        int wanted = on ? flags | flag : flags & ~flag;
        if (wanted != flags && LibC.fcntl(lease.Value, setCmd, wanted) < 0)
        {
            throw new NativeException("fcntl", LibC.errno);
        }
    }

    /// <summary>
    /// poll(2) imported here because Tmds.LibC 0.5.0 declares it without SetLastError, so its errno after a failed
    /// poll is stale (an EINTR from SIGCHLD read as whatever failed before).
    /// </summary>
    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint nfds, int timeout);

    private static byte[] PathBytes(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A path cannot contain a NUL character.", nameof(path));
        }

        int len = Encoding.UTF8.GetByteCount(path);
        byte[] bytes = new byte[len + 1];
        Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
        return bytes;
    }
}

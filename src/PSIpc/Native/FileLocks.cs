using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// File locks: flock(2) whole-file locks (what util-linux flock uses), which Tmds.LibC lacks, and open-file-description
/// byte-range locks with fcntl(F_OFD_SETLK) from Tmds.LibC. Both are tried without blocking; callers wait in slices.
/// </summary>
internal static unsafe partial class FileLocks
{
    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    /// <summary>flock with LOCK_NB: true when taken, false when another holder has it.</summary>
    public static bool TryFlock(SafeFd fd, bool shared)
    {
        using var lease = new FdLease(fd);
        while (true)
        {
            if (flock(lease.Value, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0)
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
                throw new NativeException("flock", errno);
            }
        }
    }

    public static void Unflock(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        if (flock(lease.Value, LOCK_UN) != 0)
        {
            throw new NativeException("flock", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>fcntl(F_OFD_SETLK) on a byte range: true when taken (or released), false when another holder conflicts.</summary>
    public static bool TryRangeLock(SafeFd fd, long offset, long length, bool shared, bool unlock = false)
    {
        using var lease = new FdLease(fd);
        flock range = default;
        range.l_type = (short)(unlock ? LibC.F_UNLCK : shared ? LibC.F_RDLCK : LibC.F_WRLCK);
        range.l_whence = 0;
        range.l_start = offset;
        range.l_len = length;
        while (true)
        {
            if (LibC.fcntl(lease.Value, LibC.F_OFD_SETLK, &range) == 0)
            {
                return true;
            }

            int errno = LibC.errno;
            if (errno == LibC.EAGAIN || errno == LibC.EACCES)
            {
                return false;
            }

            if (errno != LibC.EINTR)
            {
                throw new NativeException("fcntl", errno);
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);
}

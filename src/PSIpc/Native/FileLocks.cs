using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// File locks: flock(2) whole-file locks (what util-linux flock uses), which Tmds.LibC lacks, and open-file-description
/// byte-range locks with fcntl(F_OFD_SETLK) from Tmds.LibC. Both are tried without blocking; callers wait in slices.
/// </summary>
[CHeader("sys/file.h")]
internal static unsafe partial class FileLocks
{
    [CValue]
    public const int LOCK_SH = 1;
    [CValue]
    public const int LOCK_EX = 2;
    [CValue]
    public const int LOCK_NB = 4;
    [CValue]
    public const int LOCK_UN = 8;

    /// <summary>flock with LOCK_NB: true when taken, false when another holder has it.</summary>
    public static bool TryFlock(SafeFd fd, bool shared)
    {
        long r = Syscall.Try((fd, operation: (shared ? LOCK_SH : LOCK_EX) | LOCK_NB), static a => flock(a.fd, a.operation), out int errno);
        return r >= 0 || (errno == Errno.EAGAIN ? false : throw new NativeException("flock", errno));
    }

    public static void Unflock(SafeFd fd) => Syscall.Check("flock", (fd, LOCK_UN), static a => flock(a.fd, a.LOCK_UN));

    /// <summary>fcntl(F_OFD_SETLK) on a byte range: true when taken (or released), false when another holder conflicts.</summary>
    public static bool TryRangeLock(SafeFd fd, long offset, long length, bool shared, bool unlock = false)
    {
        using var lease = new FdLease(fd);
        flock range = default;
        range.l_type = (short)(unlock ? LibC.F_UNLCK : shared ? LibC.F_RDLCK : LibC.F_WRLCK);
        range.l_whence = 0;
        range.l_start = offset;
        range.l_len = length;
        long r = Syscall.Try(
            (lease.Value, range: (nint)(&range)), static a => LibC.fcntl(a.Value, LibC.F_OFD_SETLK, (flock*)a.range), out int errno);
        return r >= 0 || (errno == LibC.EAGAIN || errno == LibC.EACCES ? false : throw new NativeException("fcntl", errno));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(SafeFd fd, int operation);
}

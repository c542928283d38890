using System;
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

/// <summary>Files by path or descriptor: FIFOs, modes, unlink and stat.</summary>
internal static unsafe partial class Fd
{
    public static void MkFifo(string path, uint mode)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            Syscall.Check("mkfifo", LibC.mkfifo(pp, (ushort)mode));
        }
    }

    /// <summary>mkdir with <paramref name="mode"/> (less the umask): true when made, false when something is already there.</summary>
    public static bool TryMakeDirectory(string path, uint mode)
    {
        byte[] p = PathBytes(path);
        fixed (byte* pp = p)
        {
            long r = Syscall.Try(((nint)pp, mode), static a => LibC.mkdir((byte*)a.Item1, (ushort)a.mode), out int errno);
            return r >= 0 || (errno == Errno.EEXIST ? false : throw new NativeException("mkdir", errno));
        }
    }

    public static void FChmod(SafeFd fd, uint mode)
    {
        using var lease = new FdLease(fd);
        Syscall.Check("fchmod", (lease.Value, mode), static a => LibC.fchmod(a.Value, (ushort)a.mode));
    }

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
            Syscall.Check("fchmodat", ((nint)pp, mode), static a => LibC.fchmodat(LibC.AT_FDCWD, (byte*)a.Item1, (ushort)a.mode, 0));
        }
    }

    /// <summary>unlink(2) for cleanup after another failure: false instead of an exception, so the first error
    /// is the one reported.</summary>
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
            Syscall.Check("unlink", LibC.unlink(pp));
        }
    }

    /// <summary>lstat(2): the link itself, not what it points at.</summary>
    public static FileStatus LStat(string path) =>
        TryStat(path, follow: false, out FileStatus status, out int errno) ? status : throw new NativeException("lstat", errno);

    public static bool TryLStat(string path, out FileStatus status) => TryStat(path, follow: false, out status, out _);

    /// <summary>stat(2), following links (for /proc/PID/fd entries); false when it fails.</summary>
    public static bool TryStatFollow(string path, out FileStatus status) => TryStat(path, follow: true, out status, out _);

    public static FileStatus FStat(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        stat st;
        Syscall.Check("fstat", LibC.fstat(lease.Value, &st));
        return ToStatus(st);
    }

    public static uint GetUid() => LibC.getuid();

    public static uint GetEffectiveUid() => LibC.geteuid();

    private static bool TryStat(string path, bool follow, out FileStatus status, out int errno)
    {
        byte[] p = PathBytes(path);
        stat st;
        fixed (byte* pp = p)
        {
            if ((follow ? LibC.stat(pp, &st) : LibC.lstat(pp, &st)) != 0)
            {
                errno = Syscall.Errno;
                status = default;
                return false;
            }
        }

        errno = 0;
        status = ToStatus(st);
        return true;
    }

    private static FileStatus ToStatus(in stat st) =>
        new((ushort)st.st_mode, (uint)st.st_uid, (uint)st.st_gid, (ulong)st.st_ino, (long)st.st_size);

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

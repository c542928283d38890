using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// Shared memory: System V segments (shmget/shmat/shmdt/shmctl) and POSIX objects (shm_open/shm_unlink), which
/// Tmds.LibC lacks, and mmap/munmap/ftruncate from Tmds.LibC. The shmid_ds offsets are Linux's for 64-bit targets;
/// a test compares them with the headers through gcc.
/// </summary>
internal static unsafe partial class SharedMemoryNative
{
    public const int SHM_RDONLY = 0x1000;
    public const int ShmidDsSize = 112;
    public const int OffsetUid = 4;
    public const int OffsetMode = 20;
    public const int OffsetSegsz = 48;
    public const int OffsetCpid = 80;
    public const int OffsetLpid = 84;
    public const int OffsetNattch = 88;

    public static int ShmGet(int key, long size, int flags)
    {
        int id = shmget(key, (nuint)size, flags);
        return id >= 0 ? id : throw new NativeException("shmget", Marshal.GetLastPInvokeError());
    }

    public static byte* ShmAttach(int id, bool readOnly)
    {
        void* address = shmat(id, null, readOnly ? SHM_RDONLY : 0);
        return address == (void*)-1 ? throw new NativeException("shmat", Marshal.GetLastPInvokeError()) : (byte*)address;
    }

    public static void ShmDetach(byte* address)
    {
        if (shmdt(address) != 0)
        {
            throw new NativeException("shmdt", Marshal.GetLastPInvokeError());
        }
    }

    public static void ShmRemove(int id)
    {
        if (shmctl(id, SysVMessageQueues.IPC_RMID, null) != 0)
        {
            throw new NativeException("shmctl", Marshal.GetLastPInvokeError());
        }
    }

    public static byte[] ShmStat(int id)
    {
        byte[] ds = new byte[ShmidDsSize];
        fixed (byte* p = ds)
        {
            if (shmctl(id, SysVMessageQueues.IPC_STAT, p) != 0)
            {
                throw new NativeException("shmctl", Marshal.GetLastPInvokeError());
            }
        }

        return ds;
    }

    public static SafeFd ShmOpen(string name, int flags, uint mode)
    {
        while (true)
        {
            int fd = shm_open(name, flags | Fd.O_CLOEXEC, mode);
            if (fd >= 0)
            {
                return new SafeFd(fd, ownsHandle: true);
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                throw new NativeException("shm_open", errno);
            }
        }
    }

    public static void ShmUnlink(string name)
    {
        if (shm_unlink(name) != 0)
        {
            throw new NativeException("shm_unlink", Marshal.GetLastPInvokeError());
        }
    }

    public static void Truncate(SafeFd fd, long size)
    {
        using var lease = new FdLease(fd);
        while (LibC.ftruncate(lease.Value, size) != 0)
        {
            int errno = LibC.errno;
            if (errno != LibC.EINTR)
            {
                throw new NativeException("ftruncate", errno);
            }
        }
    }

    public static byte* Map(SafeFd fd, long size, bool readOnly)
    {
        using var lease = new FdLease(fd);
        int prot = readOnly ? LibC.PROT_READ : LibC.PROT_READ | LibC.PROT_WRITE;
        void* address = LibC.mmap(null, (size_t)(ulong)size, prot, LibC.MAP_SHARED, lease.Value, 0);
        return address == LibC.MAP_FAILED ? throw new NativeException("mmap", LibC.errno) : (byte*)address;
    }

    public static void Unmap(byte* address, long size)
    {
        if (LibC.munmap(address, (size_t)(ulong)size) != 0)
        {
            throw new NativeException("munmap", LibC.errno);
        }
    }

    /// <summary>semctl(IPC_RMID) for a System V semaphore set (PSIpc makes none, but removes what Get-IpcObject lists).</summary>
    public static void SemRemove(int id)
    {
        if (semctl(id, 0, SysVMessageQueues.IPC_RMID) != 0)
        {
            throw new NativeException("semctl", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>semctl's GETNCNT: how many processes wait for a semaphore's value to increase.</summary>
    public const int GETNCNT = 14;

    /// <summary>semctl's GETZCNT: how many processes wait for a semaphore's value to become zero.</summary>
    public const int GETZCNT = 15;

    /// <summary>
    /// The processes waiting on a System V semaphore set, summed over its <paramref name="count"/> semaphores:
    /// for an increase (semncnt) and for zero (semzcnt). Null when this process may not read the set.
    /// </summary>
    public static (long Increase, long Zero)? SemWaiters(int id, long count)
    {
        long increase = 0, zero = 0;
        for (int n = 0; n < count; n++)
        {
            int ncnt = semctl(id, n, GETNCNT), zcnt = semctl(id, n, GETZCNT);
            if (ncnt < 0 || zcnt < 0)
            {
                return null;
            }

            increase += ncnt;
            zero += zcnt;
        }

        return (increase, zero);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int semctl(int semid, int semnum, int cmd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shmget(int key, nuint size, int shmflg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* shmat(int shmid, void* shmaddr, int shmflg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shmdt(void* shmaddr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shmctl(int shmid, int cmd, void* buf);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int shm_open(string name, int oflag, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int shm_unlink(string name);
}

using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// Shared memory: System V segments (shmget/shmat/shmdt/shmctl) and POSIX objects (shm_open/shm_unlink), which
/// Tmds.LibC lacks, and mmap/munmap/ftruncate from Tmds.LibC. The shmid_ds offsets are Linux's for 64-bit targets;
/// a test compares them with the headers through gcc.
/// </summary>
[CHeader("sys/shm.h")]
internal static unsafe partial class SharedMemoryNative
{
    [CValue]
    public const int SHM_RDONLY = 0x1000;
    [CValue("sizeof(struct shmid_ds)")]
    public const int ShmidDsSize = 112;
    [CValue("offsetof(struct shmid_ds, shm_perm.uid)")]
    public const int OffsetUid = 4;
    [CValue("offsetof(struct shmid_ds, shm_perm.mode)")]
    public const int OffsetMode = 20;
    [CValue("offsetof(struct shmid_ds, shm_segsz)")]
    public const int OffsetSegsz = 48;
    [CValue("offsetof(struct shmid_ds, shm_cpid)")]
    public const int OffsetCpid = 80;
    [CValue("offsetof(struct shmid_ds, shm_lpid)")]
    public const int OffsetLpid = 84;
    [CValue("offsetof(struct shmid_ds, shm_nattch)")]
    public const int OffsetNattch = 88;

    public static int ShmGet(int key, long size, int flags) => (int)Syscall.Check("shmget", shmget(key, (nuint)size, flags));

    public static byte* ShmAttach(int id, bool readOnly)
    {
        void* address = shmat(id, null, readOnly ? SHM_RDONLY : 0);
        return address == (void*)-1 ? throw new NativeException("shmat", Syscall.Errno) : (byte*)address;
    }

    public static void ShmDetach(byte* address) => Syscall.Check("shmdt", shmdt(address));

    public static void ShmRemove(int id) => Syscall.Check("shmctl", shmctl(id, SysVMessageQueues.IPC_RMID, null));

    public static byte[] ShmStat(int id)
    {
        byte[] ds = new byte[ShmidDsSize];
        fixed (byte* p = ds)
        {
            Syscall.Check("shmctl", shmctl(id, SysVMessageQueues.IPC_STAT, p));
        }

        return ds;
    }

    public static SafeFd ShmOpen(string name, int flags, uint mode) => new(
        (int)Syscall.Check("shm_open", (name, flags: flags | Fd.O_CLOEXEC, mode), static a => shm_open(a.name, a.flags, a.mode)),
        ownsHandle: true);

    public static void ShmUnlink(string name) => Syscall.Check("shm_unlink", shm_unlink(name));

    public static void Truncate(SafeFd fd, long size)
    {
        using var lease = new FdLease(fd);
        Syscall.Check("ftruncate", (lease.Value, size), static a => LibC.ftruncate(a.Value, a.size));
    }

    public static byte* Map(SafeFd fd, long size, bool readOnly)
    {
        using var lease = new FdLease(fd);
        int prot = readOnly ? LibC.PROT_READ : LibC.PROT_READ | LibC.PROT_WRITE;
        void* address = LibC.mmap(null, (size_t)(ulong)size, prot, LibC.MAP_SHARED, lease.Value, 0);
        return address == LibC.MAP_FAILED ? throw new NativeException("mmap", Syscall.Errno) : (byte*)address;
    }

    public static void Unmap(byte* address, long size) => Syscall.Check("munmap", LibC.munmap(address, (size_t)(ulong)size));

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

using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// POSIX semaphores (sem_open, sem_post, sem_trywait, sem_timedwait, sem_getvalue, sem_close, sem_unlink, sem_init).
/// Named semaphores are held in a <see cref="SafeSemaphoreHandle"/>, so closing one while another thread waits on it
/// waits for that call to return; unnamed ones (sem_init) live in memory their owner maps, such as a ring's header.
/// </summary>
[CHeader("semaphore.h")]
internal static unsafe partial class Semaphores
{
    /// <summary>The size of a sem_t on 64-bit Linux.</summary>
    [CValue("sizeof(sem_t)")]
    public const int SemTSize = 32;

    public static SafeSemaphoreHandle Open(string name, int flags, uint mode, uint value)
    {
        // sem_open returns SEM_FAILED on failure: (sem_t *)0 in glibc, (sem_t *)-1 in POSIX's text; both count as failed.
        long sem = Syscall.Check("sem_open", (name, flags, mode, value), static a =>
        {
            IntPtr p = sem_open(a.name, a.flags, a.mode, a.value);
            return p == IntPtr.Zero ? -1 : (long)p;
        });
        return new SafeSemaphoreHandle((IntPtr)sem);
    }

    public static void Post(SafeSemaphoreHandle sem) => Use(sem, static s => { Post(s); return 0; });

    public static bool TryWait(SafeSemaphoreHandle sem) => Use(sem, TryWait);

    public static bool TimedWait(SafeSemaphoreHandle sem, int milliseconds) => Use(sem, s => TimedWait(s, milliseconds));

    public static int GetValue(SafeSemaphoreHandle sem) => Use(sem, static s =>
    {
        int value;
        Syscall.Check("sem_getvalue", sem_getvalue(s, &value));
        return value;
    });

    public static void Post(IntPtr sem) => Syscall.Check("sem_post", sem_post(sem));

    /// <summary>sem_trywait: true when it decremented, false when the value was 0.</summary>
    public static bool TryWait(IntPtr sem)
    {
        long r = Syscall.Try(sem, static s => sem_trywait(s), out int errno);
        return r >= 0 || (errno == Errno.EAGAIN ? false : throw new NativeException("sem_trywait", errno));
    }

    /// <summary>
    /// sem_timedwait up to <paramref name="milliseconds"/>: true when it decremented, false on timeout. The time is
    /// absolute, so a wait a signal interrupts goes on to the same end; callers wait in slices and check their
    /// deadline and Ctrl+C between them.
    /// </summary>
    public static bool TimedWait(IntPtr sem, int milliseconds)
    {
        long until = DateTimeOffset.UtcNow.AddMilliseconds(milliseconds).ToUnixTimeMilliseconds();
        Timespec ts = new() { Seconds = until / 1000, Nanoseconds = until % 1000 * 1_000_000 };
        long r = Syscall.Try((sem, ts: (nint)(&ts)), static a => sem_timedwait(a.sem, (Timespec*)a.ts), out int errno);
        return r >= 0 || (errno == Errno.ETIMEDOUT ? false : throw new NativeException("sem_timedwait", errno));
    }

    /// <summary>sem_init on memory the caller owns (pshared: the memory is shared between processes).</summary>
    public static void Init(IntPtr sem, bool processShared, uint value) =>
        Syscall.Check("sem_init", sem_init(sem, processShared ? 1 : 0, value));

    public static void Unlink(string name) => Syscall.Check("sem_unlink", sem_unlink(name));

    internal static bool Close(IntPtr sem) => sem_close(sem) == 0;

    private static T Use<T>(SafeSemaphoreHandle sem, Func<IntPtr, T> call)
    {
        bool added = false;
        try
        {
            sem.DangerousAddRef(ref added);
            return call(sem.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                sem.DangerousRelease();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    [CStruct("struct timespec")]
    [CHeader("time.h")]
    internal struct Timespec
    {
        [CField("tv_sec")]
        public long Seconds;
        [CField("tv_nsec")]
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr sem_open(string name, int oflag, uint mode, uint value);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_post(IntPtr sem);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_init(IntPtr sem, int pshared, uint value);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_trywait(IntPtr sem);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_timedwait(IntPtr sem, Timespec* abstime);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_getvalue(IntPtr sem, int* value);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sem_close(IntPtr sem);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int sem_unlink(string name);
}

/// <summary>A named semaphore from sem_open; released with sem_close once no call is using it.</summary>
internal sealed class SafeSemaphoreHandle : SafeHandle
{
    public SafeSemaphoreHandle(IntPtr sem)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(sem);
    }

    public override bool IsInvalid => handle == IntPtr.Zero || handle == new IntPtr(-1);

    protected override bool ReleaseHandle() => Semaphores.Close(handle);
}

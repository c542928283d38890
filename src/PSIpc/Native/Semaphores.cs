using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>POSIX named semaphores (sem_open, sem_post, sem_trywait, sem_timedwait, sem_getvalue, sem_close, sem_unlink).</summary>
internal static unsafe partial class Semaphores
{
    public static IntPtr Open(string name, int flags, uint mode, uint value)
    {
        while (true)
        {
            IntPtr sem = sem_open(name, flags, mode, value);
            if (sem != new IntPtr(0) && sem != new IntPtr(-1))
            {
                return sem;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                throw new NativeException("sem_open", errno);
            }
        }
    }

    public static void Post(IntPtr sem)
    {
        if (sem_post(sem) != 0)
        {
            throw new NativeException("sem_post", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>sem_trywait: true when it decremented, false when the value was 0.</summary>
    public static bool TryWait(IntPtr sem)
    {
        while (true)
        {
            if (sem_trywait(sem) == 0)
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
                throw new NativeException("sem_trywait", errno);
            }
        }
    }

    /// <summary>sem_timedwait up to <paramref name="milliseconds"/>: true when it decremented, false on timeout or a signal.</summary>
    public static bool TimedWait(IntPtr sem, int milliseconds)
    {
        DateTimeOffset until = DateTimeOffset.UtcNow.AddMilliseconds(milliseconds);
        long ticks = until.ToUnixTimeMilliseconds();
        Timespec ts = new() { Seconds = ticks / 1000, Nanoseconds = ticks % 1000 * 1_000_000 };
        if (sem_timedwait(sem, &ts) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.ETIMEDOUT || errno == Errno.EINTR)
        {
            return false;
        }

        throw new NativeException("sem_timedwait", errno);
    }

    public static int GetValue(IntPtr sem)
    {
        int value;
        if (sem_getvalue(sem, &value) != 0)
        {
            throw new NativeException("sem_getvalue", Marshal.GetLastPInvokeError());
        }

        return value;
    }

    public static void Close(IntPtr sem) => _ = sem_close(sem);

    /// <summary>sem_init on memory the caller owns (pshared: the memory is shared between processes).</summary>
    public static void Init(IntPtr sem, bool processShared, uint value)
    {
        if (sem_init(sem, processShared ? 1 : 0, value) != 0)
        {
            throw new NativeException("sem_init", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The size of a sem_t on 64-bit Linux.</summary>
    public const int SemTSize = 32;

    public static void Unlink(string name)
    {
        if (sem_unlink(name) != 0)
        {
            throw new NativeException("sem_unlink", Marshal.GetLastPInvokeError());
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
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

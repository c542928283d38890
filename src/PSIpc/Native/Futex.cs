using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// futex(2) on a 32-bit word in memory that processes share (a ring's header): a waiter sleeps while the word still
/// holds the value it read, a waker wakes whoever sleeps on it. Not the private variant: the word is shared.
/// glibc has no wrapper, so this goes through syscall(2).
/// </summary>
[CHeader("sys/syscall.h")]
[CHeader("linux/futex.h")]
internal static unsafe partial class Futex
{
    [CValue("SYS_futex")]
    private const long SysFutexX64 = 202;

    private const long SysFutexArm64 = 98;

    [CValue("FUTEX_WAIT")]
    private const int FutexWait = 0;

    [CValue("FUTEX_WAKE")]
    private const int FutexWake = 1;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => SysFutexX64,
        Architecture.Arm64 => SysFutexArm64,
        var other => throw new PlatformNotSupportedException($"PSIpc's ring does not know futex(2)'s number on {other}."),
    };

    /// <summary>
    /// Sleeps while <paramref name="word"/> holds <paramref name="expected"/>, at most <paramref name="milliseconds"/>:
    /// until a wake, a change of the word, the time, or a signal (all of which the caller treats alike: it looks again).
    /// </summary>
    public static void Wait(int* word, int expected, int milliseconds)
    {
        Semaphores.Timespec ts = new() { Seconds = milliseconds / 1000, Nanoseconds = milliseconds % 1000 * 1_000_000L };
        long r = syscall(SysFutex, word, FutexWait, expected, &ts, IntPtr.Zero, 0);
        if (r < 0)
        {
            int errno = Syscall.Errno;
            if (errno != Errno.EAGAIN && errno != Errno.ETIMEDOUT && !Syscall.IsInterrupted(errno))
            {
                throw new NativeException("futex", errno);
            }
        }
    }

    /// <summary>Wakes every process and thread that sleeps on <paramref name="word"/>; how many there were.</summary>
    public static int WakeAll(int* word) =>
        (int)Syscall.Check("futex", syscall(SysFutex, word, FutexWake, int.MaxValue, null, IntPtr.Zero, 0));

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int* word, int op, int value, Semaphores.Timespec* timeout, IntPtr word2, int value3);
}

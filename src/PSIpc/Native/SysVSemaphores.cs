using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// System V semaphore sets (semctl), which Tmds.LibC lacks. PSIpc makes none; Get-IpcObject lists them with their
/// waiters and Remove-IpcObject removes them.
/// </summary>
[CHeader("sys/sem.h")]
internal static partial class SysVSemaphores
{
    /// <summary>semctl's GETNCNT: how many processes wait for a semaphore's value to increase.</summary>
    [CValue]
    public const int GETNCNT = 14;

    /// <summary>semctl's GETZCNT: how many processes wait for a semaphore's value to become zero.</summary>
    [CValue]
    public const int GETZCNT = 15;

    /// <summary>semctl(IPC_RMID): removes the set.</summary>
    public static void Remove(int id) => Syscall.Check("semctl", semctl(id, 0, SysVMessageQueues.IPC_RMID));

    /// <summary>
    /// The processes waiting on a set, summed over its <paramref name="count"/> semaphores: for an increase (semncnt)
    /// and for zero (semzcnt). Null when this process may not read the set.
    /// </summary>
    public static (long Increase, long Zero)? Waiters(int id, long count)
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
}

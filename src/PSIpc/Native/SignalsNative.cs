using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>Sending signals: kill(2) and sigqueue(3) from Tmds.LibC, and the real-time range of this libc.</summary>
internal static class SignalsNative
{
    public static int RealTimeMin => LibC.SIGRTMIN;

    public static int RealTimeMax => LibC.SIGRTMAX;

    public static void Kill(int pid, int signal) => Syscall.Check("kill", LibC.kill(pid, signal));

    public static void Queue(int pid, int signal, int value)
    {
        sigval v = default;
        v.sigval_int = value;
        Syscall.Check("sigqueue", LibC.sigqueue(pid, signal, v));
    }

    /// <summary>Whether process <paramref name="pid"/> exists (kill(pid, 0); EPERM means it exists but is another user's).</summary>
    public static bool ProcessExists(int pid) => pid > 0 && (LibC.kill(pid, 0) == 0 || Syscall.Errno != LibC.ESRCH);
}

using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>Sending signals: kill(2) and sigqueue(3) from Tmds.LibC, and the real-time range of this libc.</summary>
internal static class SignalsNative
{
    public static int RealTimeMin => LibC.SIGRTMIN;

    public static int RealTimeMax => LibC.SIGRTMAX;

    public static void Kill(int pid, int signal)
    {
        if (LibC.kill(pid, signal) != 0)
        {
            throw new NativeException("kill", LibC.errno);
        }
    }

    public static void Queue(int pid, int signal, int value)
    {
        sigval v = default;
        v.sigval_int = value;
        if (LibC.sigqueue(pid, signal, v) != 0)
        {
            throw new NativeException("sigqueue", LibC.errno);
        }
    }
}

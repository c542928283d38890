using System;
using System.Runtime.InteropServices;

namespace PSIpc.Native;

/// <summary>
/// The one way PSIpc calls libc: a call is repeated while it fails with EINTR (a signal arrived; the runtime's own
/// handlers make that common), errno is read once, right after the call, and a failure becomes a
/// <see cref="NativeException"/> naming the function. Every import, Tmds.LibC's and PSIpc's own, sets the last
/// P/Invoke error, so errno is always read the same way. The call and its arguments are passed as a static lambda and
/// a state tuple, so no closure is allocated on the data path.
/// </summary>
internal static class Syscall
{
    /// <summary>errno of the calling thread's last P/Invoke.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>Runs <paramref name="call"/> until it is not interrupted; its result, or an exception naming
    /// <paramref name="function"/>.</summary>
    public static long Check<TState>(string function, TState state, Func<TState, long> call)
    {
        long result = Try(state, call, out int errno);
        return result >= 0 ? result : throw new NativeException(function, errno);
    }

    /// <summary>As <see cref="Check{TState}"/>, but a failure is returned as -1 with its errno, for callers
    /// that expect some errnos.</summary>
    public static long Try<TState>(TState state, Func<TState, long> call, out int errno)
    {
        while (true)
        {
            long result = call(state);
            if (result >= 0)
            {
                errno = 0;
                return result;
            }

            errno = Marshal.GetLastPInvokeError();
            if (errno != Native.Errno.EINTR)
            {
                return -1;
            }
        }
    }

    /// <summary>Whether <paramref name="errno"/> says a signal interrupted the call (for calls that must not be
    /// repeated as they are, such as a wait with a relative timeout whose caller looks again anyway).</summary>
    public static bool IsInterrupted(int errno) => errno == Native.Errno.EINTR;

    /// <summary>Throws a <see cref="NativeException"/> naming <paramref name="function"/> when <paramref
    /// name="result"/> is negative (calls EINTR cannot interrupt).</summary>
    public static long Check(string function, long result) =>
        result >= 0 ? result : throw new NativeException(function, Marshal.GetLastPInvokeError());
}

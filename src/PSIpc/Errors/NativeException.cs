using System.ComponentModel;

namespace PSIpc;

/// <summary>A libc call failed. <see cref="Win32Exception.NativeErrorCode"/> is errno; the message is strerror's text.</summary>
public sealed class NativeException : Win32Exception
{
    public NativeException(string function, int errno)
        : base(errno)
    {
        Function = function;
    }

    public NativeException(string function, int errno, string message)
        : base(errno, message)
    {
        Function = function;
    }

    /// <summary>The libc function that failed, such as <c>open</c>.</summary>
    public string Function { get; }

    /// <summary>The errno value.</summary>
    public int Errno => NativeErrorCode;

    /// <summary>The symbolic errno name, such as <c>ENOENT</c>.</summary>
    public string ErrnoName => Native.Errno.ToName(NativeErrorCode);
}

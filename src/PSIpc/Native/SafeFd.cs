using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>An owned file descriptor. 0 is a valid descriptor; -1 is the invalid one.</summary>
internal sealed class SafeFd : SafeHandle
{
    public SafeFd(int fd, bool ownsHandle)
        : base(new IntPtr(-1), ownsHandle)
    {
        SetHandle(new IntPtr(fd));
    }

    public override bool IsInvalid => handle.ToInt64() == -1;

    /// <summary>The descriptor number, for display and for handing to a child process.</summary>
    public int Number => (int)handle.ToInt64();

    protected override bool ReleaseHandle()
    {
        // close(2) must not be retried on EINTR on Linux: the descriptor is gone either way.
        return LibC.close((int)handle.ToInt64()) == 0;
    }
}

/// <summary>Holds a reference on a SafeFd for the length of one native call, so a concurrent Dispose cannot close it mid-call.</summary>
internal ref struct FdLease
{
    private readonly SafeFd _fd;
    private bool _added;

    public FdLease(SafeFd fd)
    {
        _fd = fd;
        _added = false;
        fd.DangerousAddRef(ref _added);
        Value = (int)fd.DangerousGetHandle().ToInt64();
    }

    public int Value { get; }

    public void Dispose()
    {
        if (_added)
        {
            _fd.DangerousRelease();
            _added = false;
        }
    }
}

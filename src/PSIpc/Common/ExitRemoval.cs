using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// -RemoveOnExit: removes a kernel object the session made when the session ends (its runspace closes, or
/// Remove-Module PSIpc), through the same registry that closes the session's handles. An object that has a path
/// (/dev/shm, /dev/mqueue, a FIFO) is removed only if the path still names the same inode, so an object removed
/// meanwhile and made again by someone else is left alone; System V ids are not reused until their sequence wraps.
/// Nothing runs if the process is killed (SIGKILL) before the session ends.
/// </summary>
internal sealed class ExitRemoval : IDisposable
{
    private readonly Action _remove;
    private readonly string? _path;
    private readonly ulong _inode;
    private int _done;

    private ExitRemoval(Action remove, string? path)
    {
        _remove = remove;
        if (path is not null && Fd.TryStatFollow(path, out FileStatus status))
        {
            _path = path;
            _inode = status.Inode;
        }
    }

    /// <summary>Registers a removal to run when the current session ends.</summary>
    /// <param name="path">Where the object shows in the file system, to check it is still the same one; null when it has no path.</param>
    /// <param name="remove">What removes the object: its own Remove (IPC_RMID, mq_unlink, shm_unlink,
    /// sem_unlink), or unlink for a FIFO.</param>
    public static void Schedule(string? path, Action remove) => OpenResources.Track(new ExitRemoval(remove, path));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        OpenResources.Forget(this);
        try
        {
            if (_path is null || (Fd.TryStatFollow(_path, out FileStatus now) && now.Inode == _inode))
            {
                _remove();
            }
        }
        catch (NativeException)
        {
            // Already removed (ENOENT, EINVAL, EIDRM) or no longer ours to remove (EPERM): nothing left to do.
        }
    }
}

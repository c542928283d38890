using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A POSIX named semaphore (sem_open): a counter shared between processes. Wait (P) takes one, waiting while it is 0;
/// Release (V) gives one back. Waits try without blocking, then wait in slices of at most 50 ms so that -Timeout and
/// Ctrl+C are honoured.
/// </summary>
public sealed class IpcSemaphore : IDisposable
{
    private const int Slice = 50;
    private readonly SafeSemaphoreHandle _handle;

    private IpcSemaphore(string name, SafeSemaphoreHandle handle)
    {
        Name = name;
        _handle = handle;
        OpenResources.Track(this);
    }

    /// <summary>The name, such as /jobs-lock.</summary>
    public string Name { get; }

    /// <summary>The file glibc keeps the semaphore in: /dev/shm/sem.NAME.</summary>
    public string Path => "/dev/shm/sem." + Name.Substring(1);

    /// <summary>The current value (sem_getvalue).</summary>
    public int Value => Semaphores.GetValue(Handle);

    /// <summary>The permission bits in octal.</summary>
    public string Mode => FileModes.ToOctal(Fd.LStat(Path).Permissions);

    /// <summary>The owner's user name.</summary>
    public string Owner => UserNames.Lookup(Fd.LStat(Path).Uid);

    public bool IsOpen => !_handle.IsClosed;

    private SafeSemaphoreHandle Handle =>
        IsOpen ? _handle : throw new ObjectDisposedException(nameof(IpcSemaphore), $"The semaphore {Name} is closed.");

    /// <summary>Creates a semaphore with <paramref name="initialCount"/> and exactly <paramref name="mode"/>;
    /// <paramref name="force"/> opens an existing one.</summary>
    public static IpcSemaphore Create(string name, uint initialCount = 1, uint mode = 0x180, bool force = false)
    {
        CheckName(name);
        SafeSemaphoreHandle handle = Semaphores.Open(name, LibCFlags.O_CREAT | (force ? 0 : LibCFlags.O_EXCL), mode, initialCount);
        var semaphore = new IpcSemaphore(name, handle);
        try
        {
            // sem_open's mode is masked by the umask; set it exactly on the file glibc made (when it is ours).
            using SafeFd file = Fd.Open(semaphore.Path, Fd.O_RDONLY);
            if (Fd.FStat(file).Uid == Fd.GetUid())
            {
                Fd.FChmod(file, mode);
            }
        }
        catch
        {
            semaphore.Dispose();
            if (!force)
            {
                Semaphores.Unlink(name);
            }

            throw;
        }

        return semaphore;
    }

    /// <summary>Opens an existing semaphore.</summary>
    public static IpcSemaphore Connect(string name)
    {
        CheckName(name);
        return new IpcSemaphore(name, Semaphores.Open(name, 0, 0, 0));
    }

    /// <summary>Removes the semaphore named <paramref name="name"/> (sem_unlink).</summary>
    public static void Unlink(string name)
    {
        CheckName(name);
        Semaphores.Unlink(name);
    }

    /// <summary>A semaphore name is '/' followed by 1 to 251 characters, none of them '/'.</summary>
    public static void CheckName(string name) => PosixNames.Check(name, "semaphore", 251, "/jobs-lock");

    /// <summary>
    /// Takes one (P). Returns false when <paramref name="noWait"/> and the value is 0; throws IpcTimeoutException after
    /// <paramref name="timeout"/>, OperationCanceledException on cancellation.
    /// </summary>
    public bool Wait(TimeSpan? timeout = null, bool noWait = false, CancellationToken cancellationToken = default)
    {
        if (Semaphores.TryWait(Handle))
        {
            return true;
        }

        if (noWait)
        {
            return false;
        }

        Deadline deadline = Deadline.After(timeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int left = deadline.RemainingMilliseconds();
            if (left == 0)
            {
                throw new IpcTimeoutException("SemaphoreTimeout",
                    $"The semaphore {Name} stayed at 0 for {deadline.Timeout}: whoever holds it has not released "
                    + "it. Raise -Timeout, or check the holder.");
            }

            if (Semaphores.TimedWait(Handle, left < 0 ? Slice : Math.Min(Slice, left)))
            {
                return true;
            }
        }
    }

    /// <summary>Gives one back (V); EOVERFLOW past the maximum value.</summary>
    public void Release() => Semaphores.Post(Handle);

    /// <summary>Removes the name from the system (sem_unlink) and closes this handle.</summary>
    public void Remove()
    {
        Semaphores.Unlink(Name);
        Dispose();
    }

    /// <summary>Closes the handle; a wait in progress on another thread keeps it until that call returns.</summary>
    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            _handle.Dispose();
            OpenResources.Forget(this);
        }
    }

    public override string ToString() => $"semaphore {Name}";
}

using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A lock on a file, held until Release or Dispose. Whole-file locks use flock(2), as util-linux flock does, so shell
/// scripts and PowerShell exclude each other; byte ranges use open-file-description fcntl locks (F_OFD_SETLK).
/// </summary>
public sealed class IpcFileLock : IDisposable
{
    private SafeFd? _fd;

    private IpcFileLock(string path, SafeFd fd, bool shared, long? offset, long? length)
    {
        Path = path;
        _fd = fd;
        Shared = shared;
        Offset = offset;
        Length = length;
        OpenResources.Track(this);
    }

    public string Path { get; }

    /// <summary>True for a shared (read) lock, false for an exclusive one.</summary>
    public bool Shared { get; }

    /// <summary>The first byte of a range lock; null for a whole-file flock.</summary>
    public long? Offset { get; }

    /// <summary>The length of a range lock (0: to the end of the file, growing with it); null for a whole-file flock.</summary>
    public long? Length { get; }

    public bool IsHeld => _fd is { IsClosed: false };

    /// <summary>
    /// Takes the lock, waiting while another holder conflicts: false at once with <paramref name="noWait"/>, an
    /// IpcTimeoutException after <paramref name="timeout"/>. The file is created (mode 0600) when missing.
    /// </summary>
    public static IpcFileLock? Acquire(
        string path,
        bool shared = false,
        long? offset = null,
        long? length = null,
        TimeSpan? timeout = null,
        bool noWait = false,
        CancellationToken cancellationToken = default)
    {
        if (offset is < 0 || length is < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), "A lock range starts at offset 0 or more and has a length of 0 (to the end of the file) or more.");
        }

        bool range = offset is not null || length is not null;
        SafeFd fd;
        try
        {
            // Never through a symbolic link: a dangling one would make PSIpc create its target.
            fd = Fd.Open(path, (shared && !range ? Fd.O_RDONLY : Fd.O_RDWR) | LibCFlags.O_CREAT | Fd.O_NOFOLLOW, 0x180);
        }
        catch (NativeException e) when (e.Errno == Errno.ELOOP)
        {
            throw new NativeException("open", e.Errno,
                $"'{path}' is a symbolic link, and PSIpc does not lock (or create) a file through a link. Lock the "
                + "file itself.");
        }

        try
        {
            Deadline deadline = Deadline.After(timeout);
            int pause = 1;
            while (!(range ? FileLocks.TryRangeLock(fd, offset ?? 0, length ?? 0, shared) : FileLocks.TryFlock(fd, shared)))
            {
                if (noWait)
                {
                    fd.Dispose();
                    return null;
                }

                int left = deadline.RemainingMilliseconds();
                if (left == 0)
                {
                    throw new IpcTimeoutException("FileLockTimeout",
                        $"Another process held a conflicting lock on '{path}' for {deadline.Timeout}. Raise "
                        + "-Timeout, or find the holder (lslocks).");
                }

                if (cancellationToken.WaitHandle.WaitOne(left < 0 ? pause : Math.Min(pause, left)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                pause = Math.Min(pause * 2, 50);
            }

            return new IpcFileLock(path, fd, shared, range ? offset ?? 0 : null, range ? length ?? 0 : null);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (closing the descriptor releases it too).</summary>
    public void Release() => Dispose();

    public void Dispose()
    {
        SafeFd? fd = Interlocked.Exchange(ref _fd, null);
        if (fd is not null)
        {
            fd.Dispose();
            OpenResources.Forget(this);
        }
    }

    public override string ToString() =>
        $"{(Shared ? "shared" : "exclusive")} lock on '{Path}'" + (Offset is null ? string.Empty : $" bytes {Offset}+{Length}");
}

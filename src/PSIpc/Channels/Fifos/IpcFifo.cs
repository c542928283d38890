using System;
using PSIpc.Native;

namespace PSIpc;

/// <summary>A named pipe (FIFO) in the file system, as New-IpcFifo returns it.</summary>
public sealed class IpcFifo
{
    private IpcFifo(string path, FileStatus status)
    {
        Path = path;
        Mode = FileModes.ToOctal(status.Permissions);
        Permissions = "p" + FileModes.ToSymbolic(status.Permissions);
        OwnerId = status.Uid;
        Owner = UserNames.Lookup(status.Uid);
    }

    /// <summary>The FIFO's full path.</summary>
    public string Path { get; }

    /// <summary>The permission bits in octal, such as 0600.</summary>
    public string Mode { get; }

    /// <summary>The permissions as ls -l shows them, such as prw-------.</summary>
    public string Permissions { get; }

    /// <summary>The owner's user name (or id when it has no name).</summary>
    public string Owner { get; }

    public uint OwnerId { get; }

    /// <summary>
    /// Creates a FIFO with exactly <paramref name="mode"/> (the umask does not apply). The mode is set on the FIFO
    /// itself, through a descriptor opened without following links and checked to be the caller's FIFO, so a process
    /// that swaps the new path for a symbolic link cannot make PSIpc change another file.
    /// </summary>
    public static IpcFifo Create(string path, uint mode = 0x180)
    {
        Fd.MkFifo(path, mode);
        SafeFd fd;
        try
        {
            // Opening a FIFO for reading without O_NONBLOCK would wait for a writer.
            fd = Fd.Open(path, Fd.O_RDONLY | Fd.O_NONBLOCK | Fd.O_NOFOLLOW);
        }
        catch (NativeException e) when (e.Errno == Errno.ELOOP)
        {
            throw new IpcPathReplacedException(path, "a symbolic link");
        }
        catch
        {
            Fd.TryUnlink(path);
            throw;
        }

        using (fd)
        {
            FileStatus status = Fd.FStat(fd);
            if (!status.IsFifo || status.Uid != Fd.GetEffectiveUid())
            {
                throw new IpcPathReplacedException(path, $"a {FileModes.TypeName(status.Mode)} of user {status.Uid}");
            }

            try
            {
                Fd.FChmod(fd, mode);
                CreatedFiles.Add(path);
                return new IpcFifo(path, Fd.FStat(fd));
            }
            catch
            {
                Fd.TryUnlink(path);
                throw;
            }
        }
    }

    /// <summary>Describes an existing FIFO; throws when the path is something else.</summary>
    public static IpcFifo Get(string path)
    {
        FileStatus status = Fd.LStat(path);
        return status.IsFifo ? new IpcFifo(path, status) : throw NotAFifo(path, status);
    }

    public override string ToString() => Path;

    internal static ArgumentException NotAFifo(string path, FileStatus status) =>
        new($"'{path}' is a {FileModes.TypeName(status.Mode)}, not a FIFO.", nameof(path));
}

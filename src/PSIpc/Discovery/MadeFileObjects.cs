using System.Collections.Generic;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// The files of one type (FIFOs, Unix sockets) that this process made and that still exist as such: unlike System V
/// and /dev/shm objects they can be anywhere in the file system, so only the ones made here can be found.
/// </summary>
internal abstract class MadeFileObjects : IpcObjectSource
{
    public override IEnumerable<IpcObject> List()
    {
        foreach (string path in CreatedFiles.Paths)
        {
            if (Fd.TryLStat(path, out FileStatus st) && IsKind(st))
            {
                yield return new IpcObject(this, Kind, "Posix")
                {
                    Name = path, Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid, Owner = UserNames.Lookup(st.Uid),
                    Changed = ProcTables.Changed(path),
                };
            }
        }
    }

    /// <summary>Removes the path only while it is still a file of this kind, never a file that replaced it.</summary>
    public override void Remove(IpcObject item)
    {
        if (!Fd.TryLStat(item.Path!, out FileStatus st) || !IsKind(st))
        {
            throw new NativeException("unlink", Errno.ENOENT, $"'{item.Path}' is no longer a {Kind}.");
        }

        Fd.Unlink(item.Path!);
    }

    private protected abstract bool IsKind(FileStatus status);
}

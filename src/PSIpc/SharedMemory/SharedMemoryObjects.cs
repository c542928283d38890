using System;
using System.Collections.Generic;
using PSIpc.Native;
using static PSIpc.ProcTables;

namespace PSIpc;

/// <summary>System V segments (/proc/sysvipc/shm) and POSIX shared memory objects (/dev/shm), for Get-IpcObject.</summary>
internal sealed class SharedMemoryObjects : SysVAndPosixObjects
{
    public override string Kind => "SharedMemory";

    public override int Order => 20;

    private protected override string Table => "/proc/sysvipc/shm";

    private protected override IpcObject FromRow(string[] f)
    {
        // key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
        return new IpcObject(this, Kind, "SystemV")
        {
            Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Size = Long(f[3]), CreatorProcessId = Int(f[4]),
            LastProcessId = Int(f[5]), Count = Long(f[6]), OwnerId = UInt(f[7]), Owner = UserNames.Lookup(UInt(f[7])),
            Changed = Time(f[13]),
        };
    }

    private protected override IEnumerable<IpcObject> PosixObjects()
    {
        foreach ((string path, string file, FileStatus st) in Files("/dev/shm"))
        {
            // POSIX named semaphores live in /dev/shm too, as sem.NAME: SemaphoreObjects lists those.
            if (file.StartsWith("sem.", StringComparison.Ordinal))
            {
                continue;
            }

            yield return new IpcObject(this, Kind, "Posix")
            {
                Name = "/" + file, Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid,
                Owner = UserNames.Lookup(st.Uid), Size = st.Size, Changed = Changed(path),
            };
        }
    }

    private protected override void RemoveSysV(int id) => SharedMemoryNative.ShmRemove(id);

    private protected override void RemovePosix(string name) => SharedMemoryNative.ShmUnlink(name);
}

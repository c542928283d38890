using System.Collections.Generic;
using PSIpc.Native;
using static PSIpc.ProcTables;

namespace PSIpc;

/// <summary>System V semaphore sets (/proc/sysvipc/sem) and POSIX named semaphores (/dev/shm/sem.*), for Get-IpcObject.</summary>
internal sealed class SemaphoreObjects : SysVAndPosixObjects
{
    public override string Kind => "Semaphore";

    public override int Order => 30;

    private protected override string Table => "/proc/sysvipc/sem";

    private protected override IpcObject FromRow(string[] f)
    {
        // key semid perms nsems uid gid cuid cgid otime ctime
        var waiters = SysVSemaphores.Waiters(Int(f[1]), Long(f[3]));
        return new IpcObject(this, Kind, "SystemV")
        {
            Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Count = Long(f[3]), OwnerId = UInt(f[4]),
            Owner = UserNames.Lookup(UInt(f[4])), Changed = Time(f[9]),
            WaitingForIncrease = waiters?.Increase, WaitingForZero = waiters?.Zero,
        };
    }

    private protected override IEnumerable<IpcObject> PosixObjects()
    {
        foreach ((string path, string file, FileStatus st) in Files("/dev/shm", "sem."))
        {
            yield return new IpcObject(this, Kind, "Posix")
            {
                Name = "/" + file.Substring(4), Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid,
                Owner = UserNames.Lookup(st.Uid), Size = st.Size, Changed = Changed(path),
            };
        }
    }

    private protected override void RemoveSysV(int id) => SysVSemaphores.Remove(id);

    private protected override void RemovePosix(string name) => Semaphores.Unlink(name);
}

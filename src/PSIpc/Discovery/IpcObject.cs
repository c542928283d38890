using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PSIpc.Native;

namespace PSIpc;

/// <summary>What kind of IPC object Get-IpcObject found.</summary>
public enum IpcObjectKind
{
    MessageQueue,
    SharedMemory,
    Semaphore,
    FileLock,

    /// <summary>A FIFO this process made (New-IpcFifo), while it exists.</summary>
    Fifo,

    /// <summary>A Unix socket file this process made (New-IpcSocketServer -Path), while it exists.</summary>
    Socket,
}

/// <summary>
/// An IPC object that exists on the machine, whoever made it, as Get-IpcObject lists it (like ipcs -a): System V
/// queues, segments and semaphore sets from /proc/sysvipc, POSIX queues from /dev/mqueue, POSIX shared memory and
/// semaphores from /dev/shm, and the FIFOs and socket files this process made.
/// </summary>
public sealed class IpcObject
{
    private IpcObject(IpcObjectKind kind, bool systemV)
    {
        Kind = kind;
        Facility = systemV ? "SystemV" : "Posix";
    }

    public IpcObjectKind Kind { get; }

    /// <summary>SystemV or Posix; for file locks FLOCK, POSIX or OFDLCK.</summary>
    public string Facility { get; private init; }

    /// <summary>System V: the key (0 for private).</summary>
    public int? Key { get; private init; }

    /// <summary>System V: the id (msqid, shmid, semid).</summary>
    public int? Id { get; private init; }

    /// <summary>POSIX: the name, such as /jobs.</summary>
    public string? Name { get; private init; }

    /// <summary>POSIX: the file that shows it.</summary>
    public string? Path { get; private init; }

    public string Owner { get; private init; } = string.Empty;

    public uint OwnerId { get; private init; }

    /// <summary>The permission bits in octal.</summary>
    public string Mode { get; private init; } = string.Empty;

    /// <summary>Bytes: a segment's or object's size, a queue's bytes in use.</summary>
    public long? Size { get; private init; }

    /// <summary>Messages in a queue, attachments of a segment, semaphores in a set.</summary>
    public long? Count { get; private init; }

    /// <summary>System V: the creator's process (segments).</summary>
    public int? CreatorProcessId { get; private init; }

    /// <summary>System V: the last sender (queues) or the last to attach (segments).</summary>
    public int? LastProcessId { get; private init; }

    /// <summary>System V queues: the last receiver.</summary>
    public int? LastReceiverProcessId { get; private init; }

    /// <summary>The last change (System V ctime; POSIX file change time).</summary>
    public DateTimeOffset? Changed { get; private init; }

    /// <summary>File locks: the process that holds the lock, or waits for it (-1 for open-file-description locks, whose owner the kernel does not show).</summary>
    public int? ProcessId { get; private init; }

    /// <summary>File locks: that process's name.</summary>
    public string? ProcessName { get; private init; }

    /// <summary>File locks: READ (shared) or WRITE (exclusive).</summary>
    public string? Access { get; private init; }

    /// <summary>File locks: the byte range, such as 0-EOF.</summary>
    public string? Range { get; private init; }

    /// <summary>File locks: true for a process blocked waiting for the lock above it (a "->" line in /proc/locks).</summary>
    public bool Waiting { get; private init; }

    /// <summary>File locks: the lock's number in /proc/locks; waiters share the number of the lock they wait for.</summary>
    public int? LockNumber { get; private init; }

    /// <summary>System V semaphore sets: processes blocked until a semaphore's value rises (semncnt, summed over the set); null when the set cannot be read.</summary>
    public long? WaitingForIncrease { get; private init; }

    /// <summary>System V semaphore sets: processes blocked until a semaphore's value is zero (semzcnt, summed over the set).</summary>
    public long? WaitingForZero { get; private init; }

    /// <summary>The key as ipcs prints it.</summary>
    public string? KeyHex => Key is int k ? "0x" + k.ToString("x8", CultureInfo.InvariantCulture) : null;

    /// <summary>Everything on the machine, in the order ipcs lists it, then the POSIX objects.</summary>
    public static IEnumerable<IpcObject> GetAll()
    {
        foreach (string[] f in Rows("/proc/sysvipc/msg"))
        {
            // key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime
            yield return new IpcObject(IpcObjectKind.MessageQueue, true)
            {
                Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Size = Long(f[3]), Count = Long(f[4]),
                LastProcessId = Int(f[5]), LastReceiverProcessId = Int(f[6]), OwnerId = UInt(f[7]), Owner = UserNames.Lookup(UInt(f[7])),
                Changed = Time(f[13]),
            };
        }

        foreach (string[] f in Rows("/proc/sysvipc/shm"))
        {
            // key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
            yield return new IpcObject(IpcObjectKind.SharedMemory, true)
            {
                Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Size = Long(f[3]), CreatorProcessId = Int(f[4]),
                LastProcessId = Int(f[5]), Count = Long(f[6]), OwnerId = UInt(f[7]), Owner = UserNames.Lookup(UInt(f[7])), Changed = Time(f[13]),
            };
        }

        foreach (string[] f in Rows("/proc/sysvipc/sem"))
        {
            // key semid perms nsems uid gid cuid cgid otime ctime
            var waiters = SharedMemoryNative.SemWaiters(Int(f[1]), Long(f[3]));
            yield return new IpcObject(IpcObjectKind.Semaphore, true)
            {
                Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Count = Long(f[3]), OwnerId = UInt(f[4]), Owner = UserNames.Lookup(UInt(f[4])), Changed = Time(f[9]),
                WaitingForIncrease = waiters?.Increase, WaitingForZero = waiters?.Zero,
            };
        }

        foreach (IpcObject o in Files("/dev/mqueue", IpcObjectKind.MessageQueue))
        {
            yield return o;
        }

        foreach (IpcObject o in Files("/dev/shm", null))
        {
            yield return o;
        }

        foreach (IpcObject o in MadeFiles())
        {
            yield return o;
        }

        foreach (IpcObject o in Locks())
        {
            yield return o;
        }
    }

    /// <summary>
    /// The file locks held and awaited on the machine, from /proc/locks: flock, POSIX (fcntl) and open-file-description
    /// locks, with the holder or waiter, the range, and the file's path where the holder's descriptors show it.
    /// </summary>
    public static IEnumerable<IpcObject> Locks()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/locks");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (string line in lines)
        {
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:131 0 EOF" or "1: -> FLOCK  ADVISORY  WRITE 1235 08:01:131 0 EOF"
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8)
            {
                continue;
            }

            bool waiting = f[1] == "->";
            int at = waiting ? 2 : 1;
            if (f.Length < at + 7)
            {
                continue;
            }

            int pid = int.Parse(f[at + 3], CultureInfo.InvariantCulture);
            string[] device = f[at + 4].Split(':');
            ulong inode = device.Length == 3 && ulong.TryParse(device[2], out ulong i) ? i : 0;
            yield return new IpcObject(IpcObjectKind.FileLock, false)
            {
                Facility = f[at],
                LockNumber = int.Parse(f[0].TrimEnd(':'), CultureInfo.InvariantCulture),
                Waiting = waiting,
                Access = f[at + 2],
                ProcessId = pid,
                ProcessName = pid > 0 ? ReadProcessName(pid) : null,
                Range = f[at + 5] + "-" + f[at + 6],
                Path = pid > 0 ? FindPath(pid, inode) : null,
            };
        }
    }

    private static string? ReadProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The path of the file with <paramref name="inode"/> among the process's open descriptors, when it can be read.</summary>
    private static string? FindPath(int pid, ulong inode)
    {
        try
        {
            foreach (string fd in Directory.GetFiles($"/proc/{pid}/fd"))
            {
                if (Fd.TryStatFollow(fd, out FileStatus st) && st.Inode == inode)
                {
                    return new FileInfo(fd).LinkTarget;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Removes the object, as ipcrm does (IPC_RMID, mq_unlink, shm_unlink, sem_unlink).</summary>
    public void Remove()
    {
        if (Kind == IpcObjectKind.FileLock)
        {
            throw new InvalidOperationException($"A file lock goes when its holder ({ProcessName} {ProcessId}) releases it or exits; it cannot be removed from outside. Stop the holder if it must go.");
        }

        switch (Kind, Facility)
        {
            case (IpcObjectKind.MessageQueue, "SystemV"):
                SysVMessageQueues.Remove(Id!.Value);
                break;
            case (IpcObjectKind.SharedMemory, "SystemV"):
                SharedMemoryNative.ShmRemove(Id!.Value);
                break;
            case (IpcObjectKind.Semaphore, "SystemV"):
                SharedMemoryNative.SemRemove(Id!.Value);
                break;
            case (IpcObjectKind.MessageQueue, _):
                PosixMessageQueues.Unlink(Name!);
                break;
            case (IpcObjectKind.SharedMemory, _):
                SharedMemoryNative.ShmUnlink(Name!);
                break;
            case (IpcObjectKind.Fifo or IpcObjectKind.Socket, _):
                // Only what the path still is: a FIFO or socket, never a file that replaced it.
                if (!Fd.TryLStat(Path!, out FileStatus st) || (Kind == IpcObjectKind.Fifo ? !st.IsFifo : !st.IsSocket))
                {
                    throw new NativeException("unlink", Errno.ENOENT, $"'{Path}' is no longer a {(Kind == IpcObjectKind.Fifo ? "FIFO" : "socket")}.");
                }

                Fd.Unlink(Path!);
                break;
            default:
                Semaphores.Unlink(Name!);
                break;
        }
    }

    public override string ToString() => Kind == IpcObjectKind.FileLock ? $"{Facility} {Access} lock {LockNumber} on {Path ?? "?"} held by {ProcessName} {ProcessId}" : Id is int id ? $"{Facility} {Kind} {id} (key {KeyHex})" : $"{Facility} {Kind} {Name}";

    private static IEnumerable<IpcObject> Files(string folder, IpcObjectKind? kind)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (string path in Directory.GetFiles(folder))
        {
            string file = System.IO.Path.GetFileName(path);
            IpcObjectKind k = kind ?? (file.StartsWith("sem.", StringComparison.Ordinal) ? IpcObjectKind.Semaphore : IpcObjectKind.SharedMemory);
            string name = "/" + (k == IpcObjectKind.Semaphore && kind is null ? file.Substring(4) : file);
            if (!Fd.TryLStat(path, out FileStatus st))
            {
                continue;
            }

            long? count = null;
            long? size = st.Size;
            if (k == IpcObjectKind.MessageQueue)
            {
                // /dev/mqueue/NAME reads as "QSIZE:n NOTIFY:..." (bytes queued); the message count needs mq_getattr.
                size = ReadQueueSize(path);
                try
                {
                    using PosixMessageQueue q = PosixMessageQueue.Connect(name);
                    count = q.MessageCount;
                }
                catch (NativeException)
                {
                }
            }

            yield return new IpcObject(k, false)
            {
                Name = name, Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid, Owner = UserNames.Lookup(st.Uid), Size = size, Count = count,
                Changed = new DateTimeOffset(File.GetLastWriteTimeUtc(path)),
            };
        }
    }

    /// <summary>The FIFOs and socket files this process made that still exist as such.</summary>
    private static IEnumerable<IpcObject> MadeFiles()
    {
        foreach (string path in CreatedFiles.Paths)
        {
            if (!Fd.TryLStat(path, out FileStatus st) || !(st.IsFifo || st.IsSocket))
            {
                continue;
            }

            yield return new IpcObject(st.IsFifo ? IpcObjectKind.Fifo : IpcObjectKind.Socket, false)
            {
                Name = path, Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid, Owner = UserNames.Lookup(st.Uid),
                Changed = new DateTimeOffset(File.GetLastWriteTimeUtc(path)),
            };
        }
    }

    private static long? ReadQueueSize(string path)
    {
        try
        {
            string text = File.ReadAllText(path);
            int at = text.IndexOf("QSIZE:", StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            int end = at + 6;
            while (end < text.Length && char.IsDigit(text[end]))
            {
                end++;
            }

            return long.Parse(text.AsSpan(at + 6, end - at - 6), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's queue (mode 0600): listed with what lstat tells, its fill unknown.
            return null;
        }
    }

    private static IEnumerable<string[]> Rows(string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (IOException)
        {
            yield break;
        }

        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10)
            {
                yield return fields;
            }
        }
    }

    private static int Int(string s) => unchecked((int)long.Parse(s, CultureInfo.InvariantCulture));

    private static uint UInt(string s) => uint.Parse(s, CultureInfo.InvariantCulture);

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    private static string Perms(string s) => FileModes.ToOctal(Convert.ToUInt32(s, 8) & 0x1FF);

    private static DateTimeOffset? Time(string s) => long.TryParse(s, out long t) && t > 0 ? DateTimeOffset.FromUnixTimeSeconds(t).ToLocalTime() : null;
}

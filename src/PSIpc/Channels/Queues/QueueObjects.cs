using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PSIpc.Native;
using static PSIpc.ProcTables;

namespace PSIpc;

/// <summary>System V queues (/proc/sysvipc/msg) and POSIX queues (/dev/mqueue, when mounted), for Get-IpcObject.</summary>
internal sealed class QueueObjects : SysVAndPosixObjects
{
    public override string Kind => "MessageQueue";

    public override int Order => 10;

    private protected override string Table => "/proc/sysvipc/msg";

    private protected override IpcObject FromRow(string[] f)
    {
        // key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime
        return new IpcObject(this, Kind, "SystemV")
        {
            Key = Int(f[0]), Id = Int(f[1]), Mode = Perms(f[2]), Size = Long(f[3]), Count = Long(f[4]),
            LastProcessId = Int(f[5]), LastReceiverProcessId = Int(f[6]), OwnerId = UInt(f[7]),
            Owner = UserNames.Lookup(UInt(f[7])), Changed = Time(f[13]),
        };
    }

    private protected override IEnumerable<IpcObject> PosixObjects()
    {
        foreach ((string path, string file, FileStatus st) in Files("/dev/mqueue"))
        {
            // /dev/mqueue/NAME reads as "QSIZE:n NOTIFY:..." (bytes queued); the message count needs mq_getattr.
            string name = "/" + file;
            long? count = null;
            try
            {
                using PosixMessageQueue q = PosixMessageQueue.Connect(name);
                count = q.MessageCount;
            }
            catch (NativeException)
            {
                // Another user's queue: listed with what lstat tells.
            }

            yield return new IpcObject(this, Kind, "Posix")
            {
                Name = name, Path = path, Mode = FileModes.ToOctal(st.Permissions), OwnerId = st.Uid, Owner = UserNames.Lookup(st.Uid),
                Size = ReadQueueSize(path), Count = count, Changed = Changed(path),
            };
        }
    }

    private protected override void RemoveSysV(int id) => SysVMessageQueues.Remove(id);

    private protected override void RemovePosix(string name) => PosixMessageQueues.Unlink(name);

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
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// The file locks held and awaited on the machine, from /proc/locks, for Get-IpcObject: flock, POSIX (fcntl) and
/// open-file-description locks, with the holder or waiter, the range, and the file's path where the holder's
/// descriptors show it.
/// </summary>
internal sealed class FileLockObjects : IpcObjectSource
{
    public override string Kind => "FileLock";

    public override int Order => 60;

    public override bool CanRemove => false;

    public override IEnumerable<IpcObject> List()
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
            string? name = pid > 0 ? ReadProcessName(pid) : null;
            string? path = pid > 0 ? FindPath(pid, inode) : null;
            string access = f[at + 2];
            int number = int.Parse(f[0].TrimEnd(':'), CultureInfo.InvariantCulture);
            yield return new IpcObject(this, Kind, f[at])
            {
                Label = $"{f[at]} {access} lock {number} on {path ?? "?"} held by {name} {pid}",
                IdentityText = $"{(waiting ? "waiting: " : string.Empty)}{name} {pid} {access} {f[at + 5]}-{f[at + 6]} {path}",
                LockNumber = number,
                Waiting = waiting,
                Access = access,
                ProcessId = pid,
                ProcessName = name,
                Range = f[at + 5] + "-" + f[at + 6],
                Path = path,
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

    public override void Remove(IpcObject item) => throw new InvalidOperationException(
        $"A file lock goes when its holder ({item.ProcessName} {item.ProcessId}) releases it or exits; it cannot be removed "
        + "from outside. Stop the holder if it must go.");
}

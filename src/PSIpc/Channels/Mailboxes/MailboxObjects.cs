using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// The mailboxes of this user's live processes, for Get-IpcObject -Kind Mailbox: the sockets in the user's mailbox
/// directory that a socket is bound to (/proc/net/unix). Those of processes that are gone are removed as they are found.
/// </summary>
internal sealed class MailboxObjects : IpcObjectSource
{
    public override string Kind => "Mailbox";

    public override int Order => 55;

    public override IEnumerable<IpcObject> List()
    {
        uint uid = Fd.GetEffectiveUid();
        MailboxFiles.RemoveStale(uid);
        HashSet<string> bound = BoundPaths();
        foreach ((int pid, string path, FileStatus status) in MailboxFiles.Sockets(uid).OrderBy(m => m.Pid))
        {
            if (!bound.Contains(path))
            {
                continue;
            }

            yield return new IpcObject(this, Kind, "Posix")
            {
                Name = path, Path = path, Mode = FileModes.ToOctal(status.Permissions), OwnerId = status.Uid,
                Owner = UserNames.Lookup(status.Uid), ProcessId = pid, ProcessName = ProcessName(pid),
                Changed = ProcTables.Changed(path),
            };
        }
    }

    /// <summary>A mailbox belongs to its process: close it there (Close-IpcChannel); here only a stale one can go.</summary>
    public override void Remove(IpcObject item)
    {
        if (item.ProcessId is int pid && Mailboxes.ProcessExists(pid))
        {
            throw new InvalidOperationException(
                $"The mailbox '{item.Path}' belongs to live process {pid}; that process closes it (Close-IpcChannel), "
                + "or it goes when the process ends.");
        }

        Fd.Unlink(item.Path!);
    }

    /// <summary>The paths Unix sockets are bound to now (the last column of /proc/net/unix).</summary>
    private static HashSet<string> BoundPaths()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string line in File.ReadLines("/proc/net/unix").Skip(1))
            {
                int at = line.IndexOf(" /", StringComparison.Ordinal);
                if (at > 0)
                {
                    paths.Add(line.Substring(at + 1));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without /proc/net/unix nothing is known to be bound.
        }

        return paths;
    }

    private static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

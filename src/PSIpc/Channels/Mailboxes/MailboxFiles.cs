using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using PSIpc.Native;

namespace PSIpc;

/// <summary>The files of a user's mailbox directory: sockets named by pid, PID.capacity cards, and their ACLs.</summary>
internal static class MailboxFiles
{
    private const string CapacitySuffix = ".capacity";

    /// <summary>Lets <paramref name="users"/> send to the mailbox at <paramref name="socketPath"/>: write on the socket,
    /// read on its capacity card, search on the directory (POSIX ACLs, set through descriptors).</summary>
    public static void Allow(SafeFd directory, string socketPath, IReadOnlyCollection<uint> users)
    {
        if (users.Count == 0)
        {
            return;
        }

        try
        {
            using (SafeFd socket = Fd.Open(socketPath, Fd.O_PATH | Fd.O_NOFOLLOW))
            {
                MailboxDirectory.AllowUsers(MailboxDirectory.DescriptorPath(socket), users, 6, 6);
            }

            if (Fd.TryOpen(socketPath + CapacitySuffix, Fd.O_PATH | Fd.O_NOFOLLOW, out _) is SafeFd card)
            {
                using (card)
                {
                    MailboxDirectory.AllowUsers(MailboxDirectory.DescriptorPath(card), users, 6, 4);
                }
            }

            MailboxDirectory.AllowUsers(MailboxDirectory.DescriptorPath(directory), users, 7, 1);
        }
        catch (NativeException e) when (e.Errno == Errno.EINVAL || e.ErrnoName == "EOPNOTSUPP")
        {
            throw new NativeException(e.Function, e.Errno,
                $"The file system of '{MailboxDirectory.Root}' has no POSIX ACLs, which -AllowUser needs. Set "
                + $"{MailboxDirectory.RootVariable} to a directory on one that has (ext4, xfs, tmpfs).");
        }
    }

    /// <summary>Writes PID.capacity (mode 0600, made new) for a bounded mailbox; removes a stale one otherwise.</summary>
    public static void WriteCapacity(uint uid, int? capacity)
    {
        string path = MailboxDirectory.CapacityPath(uid, Environment.ProcessId);
        Fd.TryUnlink(path);
        if (capacity is not int n)
        {
            return;
        }

        using SafeFd file = Fd.Open(path, Fd.O_WRONLY | LibCFlags.O_CREAT | LibCFlags.O_EXCL | Fd.O_NOFOLLOW, 0x180);
        byte[] text = Encoding.ASCII.GetBytes(n.ToString(CultureInfo.InvariantCulture) + "\n");
        if (Fd.Write(file, text) != text.Length)
        {
            throw new IOException($"Could not write '{path}' whole.");
        }
    }

    /// <summary>The -Capacity of process <paramref name="pid"/>'s mailbox; null when it has none (or it cannot be read).</summary>
    public static int? ReadCapacity(uint uid, int pid)
    {
        string path = MailboxDirectory.CapacityPath(uid, pid);
        using SafeFd? file = Fd.TryOpen(path, Fd.O_RDONLY | Fd.O_NOFOLLOW | Fd.O_NONBLOCK, out _);
        if (file is null)
        {
            return null;
        }

        Span<byte> text = stackalloc byte[16];
        int n = Fd.Read(file, text);
        string number = n > 0 ? Encoding.ASCII.GetString(text.Slice(0, n)).Trim() : string.Empty;
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : null;
    }

    /// <summary>The mailboxes in user <paramref name="uid"/>'s directory: pid, socket path and status, live or not.</summary>
    public static IEnumerable<(int Pid, string Path, FileStatus Status)> Sockets(uint uid)
    {
        string dir = MailboxDirectory.PathFor(uid);
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (string path in names)
        {
            if (int.TryParse(System.IO.Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && Fd.TryLStat(path, out FileStatus status) && status.IsSocket)
            {
                yield return (pid, path, status);
            }
        }
    }

    /// <summary>Removes the mailboxes of processes that are gone (killed before they could close them). Own directory only.</summary>
    public static int RemoveStale(uint uid)
    {
        int removed = 0;
        foreach ((int pid, string path, FileStatus status) in Sockets(uid))
        {
            if (status.Uid == uid && !Mailboxes.ProcessExists(pid))
            {
                Fd.TryUnlink(path);
                Fd.TryUnlink(path + CapacitySuffix);
                removed++;
            }
        }

        return removed;
    }
}

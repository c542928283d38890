using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// Where mailboxes live: one directory per user, <c>${PSIPC_MAILBOX_ROOT:-/tmp}/psipc-UID</c>, holding a socket named
/// by each process id (and <c>PID.capacity</c> for a bounded mailbox). Not $XDG_RUNTIME_DIR or $TMPDIR: a sender must
/// find the path from the pid alone, whatever its own environment, and /run/user/UID is closed (0700) to the other
/// users a mailbox may allow. The directory is used only if it is a real directory (not a link), owned by its user,
/// mode 0700 (0710 when an ACL lets allowed users through), in a parent that others cannot replace it in.
/// </summary>
internal static class MailboxDirectory
{
    public const string RootVariable = "PSIPC_MAILBOX_ROOT";

    private const uint OwnerOnly = 0x1C0; // 0700
    private const uint WithAcl = 0x1C8; // 0710: the group bits show the ACL's mask (search only)

    public static string Root =>
        Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? root.TrimEnd('/') : "/tmp";

    public static string PathFor(uint uid) => Root + "/psipc-" + uid.ToString(CultureInfo.InvariantCulture);

    public static string SocketPath(uint uid, int pid) => PathFor(uid) + "/" + pid.ToString(CultureInfo.InvariantCulture);

    public static string CapacityPath(uint uid, int pid) => SocketPath(uid, pid) + ".capacity";

    /// <summary>
    /// Opens user <paramref name="uid"/>'s directory (O_PATH, no link followed) after checking it; makes it first when
    /// <paramref name="create"/>. Null when it does not exist and was not to be made.
    /// </summary>
    public static SafeFd? OpenChecked(uint uid, bool create)
    {
        string path = PathFor(uid);
        CheckParent(Root, uid);
        if (create)
        {
            Fd.TryMakeDirectory(path, OwnerOnly);
        }

        SafeFd? fd = Fd.TryOpen(path, Fd.O_PATH | Fd.O_NOFOLLOW | Mailboxes.O_DIRECTORY, out int errno);
        if (fd is null)
        {
            if (errno == Errno.ENOENT)
            {
                return null;
            }

            if (errno == Errno.ELOOP || errno == Errno.ENOTDIR)
            {
                string what = Fd.TryLStat(path, out FileStatus st) ? FileModes.TypeName(st.Mode) : "not a directory";
                throw new IpcUnsafeDirectoryException(path, $"is a {what}, not a directory");
            }

            throw new NativeException("open", errno, $"Cannot open the mailbox directory '{path}'.");
        }

        try
        {
            FileStatus status = Fd.FStat(fd);
            if (status.Uid != uid)
            {
                throw new IpcUnsafeDirectoryException(
                    path, $"belongs to user {UserNames.Lookup(status.Uid)} ({status.Uid}), not to {UserNames.Lookup(uid)} ({uid})");
            }

            uint mode = status.Permissions;
            if (mode != OwnerOnly && !(mode == WithAcl && Mailboxes.GetAcl(DescriptorPath(fd)).Length > 0))
            {
                throw new IpcUnsafeDirectoryException(path, $"has mode {FileModes.ToOctal(mode)}, not 0700");
            }

            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>The path through which a descriptor's object is reached (the kernel's magic link, never a swappable name).</summary>
    public static string DescriptorPath(SafeFd fd) => "/proc/self/fd/" + fd.Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds <paramref name="users"/> to the object's ACL with <paramref name="permission"/> (the bits rwx as 4, 2, 1),
    /// keeping the users already in it; the owner keeps <paramref name="ownerPermission"/>, group and others nothing.
    /// </summary>
    public static void AllowUsers(string descriptorPath, IEnumerable<uint> users, ushort ownerPermission, ushort permission)
    {
        var named = new SortedSet<uint>(users);
        byte[] existing = Mailboxes.GetAcl(descriptorPath);
        for (int at = 4; at + 8 <= existing.Length; at += 8)
        {
            if (BinaryPrimitives.ReadUInt16LittleEndian(existing.AsSpan(at)) == AclUser)
            {
                named.Add(BinaryPrimitives.ReadUInt32LittleEndian(existing.AsSpan(at + 4)));
            }
        }

        // struct posix_acl_xattr_header { u32 version = 2 }, then entries { u16 tag, u16 perm, u32 id } sorted by tag.
        var acl = new List<byte>();
        void Entry(ushort tag, ushort perm, uint id)
        {
            Span<byte> e = stackalloc byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(e, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(2), perm);
            BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(4), id);
            acl.AddRange(e.ToArray());
        }

        acl.AddRange(new byte[] { 2, 0, 0, 0 });
        Entry(AclUserObj, ownerPermission, uint.MaxValue);
        foreach (uint uid in named)
        {
            Entry(AclUser, permission, uid);
        }

        Entry(AclGroupObj, 0, uint.MaxValue);
        Entry(AclMask, permission, uint.MaxValue);
        Entry(AclOther, 0, uint.MaxValue);
        Mailboxes.SetAcl(descriptorPath, acl.ToArray());
    }

    /// <summary>The effective user of a process (from /proc/PID/status); null when there is no such process.</summary>
    public static uint? UserOf(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    string[] ids = line.Substring(4).Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(ids[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone (or was never there).
        }

        return null;
    }

    private const ushort AclUserObj = 1;
    private const ushort AclUser = 2;
    private const ushort AclGroupObj = 4;
    private const ushort AclMask = 0x10;
    private const ushort AclOther = 0x20;

    /// <summary>The parent must be root's or the user's, and sticky if others can write it, so no one else can swap
    /// the directory.</summary>
    private static void CheckParent(string parent, uint uid)
    {
        if (!Fd.TryStatFollow(parent, out FileStatus st) || !st.IsDirectory)
        {
            throw new ArgumentException(
                $"The mailbox root '{parent}' is not a directory. Set {RootVariable} to an existing directory, or unset it to use /tmp.");
        }

        bool othersWrite = (st.Permissions & 0x12) != 0;
        bool sticky = (st.Permissions & 0x200) != 0;
        if ((st.Uid != 0 && st.Uid != uid && st.Uid != Fd.GetEffectiveUid()) || (othersWrite && !sticky))
        {
            throw new IpcUnsafeDirectoryException(
                parent, $"(mode {FileModes.ToOctal(st.Permissions)}, user {st.Uid}) lets others replace what is in it");
        }
    }
}

using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>Who sent a datagram, as the kernel attached it (SCM_CREDENTIALS, SCM_PIDFD), never as the sender claims.</summary>
/// <param name="ProcessId">The sender's process id.</param>
/// <param name="UserId">The sender's user id.</param>
/// <param name="GroupId">The sender's group id.</param>
/// <param name="ProcessInode">The pidfs inode of the sender's pidfd: unique for the life of the machine, so a later
/// process with the same pid has another; 0 where the kernel gives no pidfd or the sender is gone.</param>
internal readonly record struct DatagramCredentials(int ProcessId, uint UserId, uint GroupId, ulong ProcessInode);

/// <summary>
/// What a mailbox needs beyond plain sockets: credentials and pidfds on every datagram (SO_PASSCRED, SO_PASSPIDFD,
/// recvmsg's control messages), pidfd_open to know a process by more than its number, autobind for a sender's own
/// address, and POSIX ACLs (system.posix_acl_access) to let named users in.
/// </summary>
[CHeader("sys/socket.h")]
[CHeader("sys/xattr.h")]
internal static unsafe partial class Mailboxes
{
    [CValue]
    public const int SO_PASSCRED = 16;
    [CValue]
    public const int SCM_CREDENTIALS = 2;
    [CValue]
    public const int SCM_RIGHTS = 1;
    [CValue]
    public const int SO_SNDBUF = 7;

    // Linux 6.5 (include/uapi/asm-generic/socket.h); the C library headers here predate them, so they are not tested.
    public const int SO_PASSPIDFD = 76;
    public const int SCM_PIDFD = 4;

    private const int MSG_DONTWAIT = 0x40;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;
    private const int ControlSize = 256;

    public static int O_DIRECTORY => LibC.O_DIRECTORY;



    /// <summary>Asks for the sender's credentials on every datagram, and its pidfd where the kernel has them; false
    /// without pidfds.</summary>
    public static bool PassCredentials(SafeFd fd)
    {
        SetInt(fd, SO_PASSCRED, 1);
        using var lease = new FdLease(fd);
        int one = 1;
        long r = Syscall.Try((lease.Value, p: (nint)(&one)), static a =>
            LibC.setsockopt(a.Value, LibC.SOL_SOCKET, SO_PASSPIDFD, (void*)a.p, sizeof(int)), out int errno);
        return r >= 0 || (errno == LibC.ENOPROTOOPT || errno == LibC.EINVAL ? false : throw new NativeException("setsockopt", errno));
    }

    /// <summary>Gives the socket an address of its own in the abstract namespace (autobind), so replies can reach it.</summary>
    public static void AutoBind(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        sockaddr_un address = default;
        address.sun_family = Sockets.AF_UNIX;
        Syscall.Check("bind", LibC.bind(lease.Value, (sockaddr*)&address, (uint)sizeof(sa_family_t)));
    }

    /// <summary>Sets how much the socket may have in flight; it also bounds the largest datagram it can send.</summary>
    public static int SetSendBuffer(SafeFd fd, int bytes)
    {
        SetInt(fd, SO_SNDBUF, bytes);
        using var lease = new FdLease(fd);
        int value;
        socklen_t length = sizeof(int);
        Syscall.Check("getsockopt", LibC.getsockopt(lease.Value, LibC.SOL_SOCKET, SO_SNDBUF, &value, &length));
        return value;
    }

    /// <summary>
    /// recvmsg without waiting: the datagram's real length (more than the buffer when it was cut), -1 when none is
    /// waiting. Descriptors a peer passed (SCM_RIGHTS) are closed at once; the pidfd is read for its inode and closed.
    /// </summary>
    public static int TryReceive(SafeFd fd, Span<byte> buffer, out DatagramCredentials credentials, out SockAddr from)
    {
        using var lease = new FdLease(fd);
        byte[] address = new byte[128];
        byte* control = stackalloc byte[ControlSize];
        fixed (byte* b = buffer)
        fixed (byte* a = address)
        {
            iovec iov = new() { iov_base = b, iov_len = buffer.Length };
            msghdr message = new()
            {
                msg_name = a, msg_namelen = 128, msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = ControlSize,
            };
            long n = Syscall.Try((lease.Value, m: (nint)(&message)), static c =>
                LibC.recvmsg(c.Value, (msghdr*)c.m, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC), out int errno);
            if (n < 0)
            {
                credentials = default;
                from = default;
                return errno == LibC.EAGAIN ? -1 : throw new NativeException("recvmsg", errno);
            }

            from = SockAddr.FromBytes(address, (int)message.msg_namelen);
            credentials = ReadControl(&message);
            return (int)n;
        }
    }

    /// <summary>A pidfd for <paramref name="pid"/>; null when there is no such process.</summary>
    public static SafeFd? OpenProcess(int pid)
    {
        int fd = (int)Syscall.Try(pid, static p => pidfd_open(p, 0), out int errno);
        return fd >= 0 ? new SafeFd(fd, ownsHandle: true)
            : errno == Errno.ESRCH || errno == Errno.EINVAL ? null : throw new NativeException("pidfd_open", errno);
    }

    /// <summary>
    /// The pidfs inode that names process <paramref name="pid"/> for as long as it lives (0 when there is no such process,
    /// or where pidfds share one inode and so name nothing).
    /// </summary>
    public static ulong ProcessInode(int pid)
    {
        if (!PidfdsAreUnique.Value)
        {
            return 0;
        }

        using SafeFd? pidfd = OpenProcess(pid);
        return pidfd is null ? 0 : Fd.FStat(pidfd).Inode;
    }

    /// <summary>True when the process exists (kill with signal 0 reaches it, or would but for permission).</summary>
    public static bool ProcessExists(int pid)
    {
        long r = Syscall.Try(pid, static p => LibC.kill(p, 0), out int errno);
        return r >= 0 || errno == Errno.EPERM;
    }

    /// <summary>The POSIX access ACL of the object at <paramref name="path"/> (a /proc/self/fd link); empty when it has none.</summary>
    public static byte[] GetAcl(string path)
    {
        byte[] buffer = new byte[1024];
        fixed (byte* b = buffer)
        {
            long n = Syscall.Try((path, b: (nint)b), static a => getxattr(a.path, AclName, (void*)a.b, 1024), out int errno);
            return n >= 0 ? buffer.AsSpan(0, (int)n).ToArray()
                : errno == LibC.ENODATA ? Array.Empty<byte>() : throw new NativeException("getxattr", errno);
        }
    }

    /// <summary>Sets the POSIX access ACL of the object at <paramref name="path"/>; the group bits of its mode become the mask.</summary>
    public static void SetAcl(string path, byte[] acl)
    {
        fixed (byte* b = acl)
        {
            Syscall.Check("setxattr", (path, b: (nint)b, acl.Length), static a => setxattr(a.path, AclName, (void*)a.b, a.Length, 0));
        }
    }

    private const string AclName = "system.posix_acl_access";

    private static readonly Lazy<bool> PidfdsAreUnique = new(() =>
    {
        // pidfs (Linux 6.9) gives each process its own inode; before it, every pidfd is the same anonymous inode.
        using SafeFd? self = OpenProcess(Environment.ProcessId);
        using SafeFd? init = OpenProcess(1);
        return self is not null && init is not null && Fd.FStat(self).Inode != Fd.FStat(init).Inode;
    });

    private static DatagramCredentials ReadControl(msghdr* message)
    {
        int pid = 0;
        uint uid = uint.MaxValue;
        uint gid = uint.MaxValue;
        ulong inode = 0;
        for (cmsghdr* c = LibC.CMSG_FIRSTHDR(message); c != null; c = LibC.CMSG_NXTHDR(message, c))
        {
            if (c->cmsg_level != LibC.SOL_SOCKET)
            {
                continue;
            }

            byte* data = LibC.CMSG_DATA(c);
            int dataLength = (int)c->cmsg_len - (int)(data - (byte*)c);
            if (c->cmsg_type == SCM_CREDENTIALS && dataLength >= sizeof(ucred))
            {
                ucred cred = *(ucred*)data;
                (pid, uid, gid) = (cred.pid, cred.uid, cred.gid);
            }
            else if (c->cmsg_type == SCM_PIDFD && dataLength >= sizeof(int))
            {
                // A negative value is the errno of a sender that is already gone.
                int pidfd = *(int*)data;
                if (pidfd >= 0)
                {
                    using var owned = new SafeFd(pidfd, ownsHandle: true);
                    inode = PidfdsAreUnique.Value ? Fd.FStat(owned).Inode : 0;
                }
            }
            else if (c->cmsg_type == SCM_RIGHTS)
            {
                // A peer may pass descriptors nobody asked for: close them, so they cannot pile up in this process.
                for (int i = 0; i + sizeof(int) <= dataLength; i += sizeof(int))
                {
                    LibC.close(*(int*)(data + i));
                }
            }
        }

        return new DatagramCredentials(pid, uid, gid, inode);
    }

    private static void SetInt(SafeFd fd, int option, int value)
    {
        using var lease = new FdLease(fd);
        Syscall.Check("setsockopt", LibC.setsockopt(lease.Value, LibC.SOL_SOCKET, option, &value, sizeof(int)));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getxattr(string path, string name, void* value, nint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setxattr(string path, string name, void* value, nint size, int flags);
}

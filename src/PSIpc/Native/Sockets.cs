using System;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// A socket address as the kernel takes it: Tmds.LibC's sockaddr_un, sockaddr_in or sockaddr_in6, kept as the bytes
/// bind, connect and sendto pass on, with the length that goes with them.
/// </summary>
[CHeader("sys/socket.h")]
[CHeader("sys/un.h")]
internal readonly unsafe struct SockAddr
{
    [CValue("sizeof(((struct sockaddr_un *)0)->sun_path) - 1")]
    public const int MaxUnixPath = 107;

    private SockAddr(byte[] bytes, int length)
    {
        Bytes = bytes;
        Length = length;
    }

    public byte[] Bytes { get; }

    public int Length { get; }

    public int Family => Length < sizeof(sa_family_t) ? 0 : Read<sockaddr_un>().sun_family;

    public int Port => Family switch
    {
        Sockets.AF_INET => BinaryPrimitives.ReverseEndianness(Read<sockaddr_in>().sin_port),
        Sockets.AF_INET6 => BinaryPrimitives.ReverseEndianness(Read<sockaddr_in6>().sin6_port),
        _ => 0,
    };

    /// <summary>A Unix socket path, or an abstract name when <paramref name="isAbstract"/>.</summary>
    public static SockAddr Unix(string path, bool isAbstract)
    {
        byte[] name = Encoding.UTF8.GetBytes(path);
        int max = MaxUnixPath - (isAbstract ? 1 : 0);
        if (name.Length > max)
        {
            string what = isAbstract ? "name" : "path";
            throw new ArgumentException(
                $"'{path}' is {name.Length} bytes; a Unix socket {what} holds at most {max} bytes (sun_path is 108 bytes). "
                + "Use a shorter path.",
                nameof(path));
        }

        sockaddr_un address = default;
        address.sun_family = Sockets.AF_UNIX;
        // An abstract name starts with a NUL byte and has no NUL at the end; a path ends with one.
        int offset = isAbstract ? 1 : 0;
        name.CopyTo(new Span<byte>(address.sun_path, MaxUnixPath + 1).Slice(offset));
        int pathOffset = (int)((byte*)address.sun_path - (byte*)&address);
        return From(address, pathOffset + offset + name.Length + (isAbstract ? 0 : 1));
    }

    public static SockAddr Inet(IPAddress ip, int port)
    {
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            sockaddr_in6 v6 = default;
            v6.sin6_family = Sockets.AF_INET6;
            v6.sin6_port = BinaryPrimitives.ReverseEndianness((ushort)port);
            v6.sin6_scope_id = (uint)ip.ScopeId;
            ip.TryWriteBytes(new Span<byte>(&v6.sin6_addr, 16), out _);
            return From(v6, sizeof(sockaddr_in6));
        }

        sockaddr_in v4 = default;
        v4.sin_family = Sockets.AF_INET;
        v4.sin_port = BinaryPrimitives.ReverseEndianness((ushort)port);
        ip.TryWriteBytes(new Span<byte>(&v4.sin_addr, 4), out _);
        return From(v4, sizeof(sockaddr_in));
    }

    public static SockAddr FromBytes(byte[] bytes, int length) => new(bytes, length);

    /// <summary>The address as people write it: 127.0.0.1:5000, [::1]:5000, a path, or @name for an abstract socket.</summary>
    public override string ToString()
    {
        switch (Family)
        {
            case Sockets.AF_UNIX:
                sockaddr_un un = Read<sockaddr_un>();
                int pathOffset = (int)((byte*)un.sun_path - (byte*)&un);
                ReadOnlySpan<byte> path = Bytes.AsSpan(pathOffset, Math.Max(0, Length - pathOffset));
                if (path.IsEmpty)
                {
                    return "(unnamed)";
                }

                if (path[0] == 0)
                {
                    return "@" + Encoding.UTF8.GetString(path.Slice(1));
                }

                int end = path.IndexOf((byte)0);
                return Encoding.UTF8.GetString(end < 0 ? path : path.Slice(0, end));
            case Sockets.AF_INET:
                sockaddr_in v4 = Read<sockaddr_in>();
                return new IPAddress(new ReadOnlySpan<byte>(&v4.sin_addr, 4)) + ":" + Port;
            case Sockets.AF_INET6:
                sockaddr_in6 v6 = Read<sockaddr_in6>();
                return "[" + new IPAddress(new ReadOnlySpan<byte>(&v6.sin6_addr, 16)) + "]:" + Port;
            default:
                return "family " + Family;
        }
    }

    private static SockAddr From<T>(T address, int length)
        where T : unmanaged
    {
        byte[] bytes = new byte[Math.Max(sizeof(T), 128)];
        new ReadOnlySpan<byte>(&address, sizeof(T)).CopyTo(bytes);
        return new SockAddr(bytes, length);
    }

    private T Read<T>()
        where T : unmanaged
    {
        T value = default;
        Bytes.AsSpan(0, Math.Min(Bytes.Length, sizeof(T))).CopyTo(new Span<byte>(&value, sizeof(T)));
        return value;
    }
}

/// <summary>The peer's credentials of a Unix socket (SO_PEERCRED).</summary>
internal readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId);

/// <summary>Socket calls through Tmds.LibC, each through <see cref="Syscall"/>.</summary>
internal static unsafe class Sockets
{
    [CValue]
    public const int AF_UNIX = 1;
    [CValue]
    public const int AF_INET = 2;
    [CValue]
    public const int AF_INET6 = 10;

    public static SafeFd Create(int family, bool datagram)
    {
        int type = (datagram ? LibC.SOCK_DGRAM : LibC.SOCK_STREAM) | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK;
        return new SafeFd((int)Syscall.Check("socket", LibC.socket(family, type, 0)), ownsHandle: true);
    }

    public static void Bind(SafeFd fd, SockAddr address)
    {
        using var lease = new FdLease(fd);
        fixed (byte* a = address.Bytes)
        {
            Syscall.Check("bind", LibC.bind(lease.Value, (sockaddr*)a, (uint)address.Length));
        }
    }

    public static void Listen(SafeFd fd, int backlog)
    {
        using var lease = new FdLease(fd);
        Syscall.Check("listen", LibC.listen(lease.Value, backlog));
    }

    public static void SetReuseAddress(SafeFd fd) => SetInt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1);

    public static void SetNoDelay(SafeFd fd) => SetInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1);

    /// <summary>accept4 without blocking: the new connection, or null when none is waiting.</summary>
    public static SafeFd? TryAccept(SafeFd listener, out SockAddr peer)
    {
        using var lease = new FdLease(listener);
        byte[] buffer = new byte[128];
        fixed (byte* a = buffer)
        {
            socklen_t length = 128;
            var call = (lease.Value, a: (nint)a, length: (nint)(&length));
            long fd = Syscall.Try(
                call, static c => LibC.accept4(
                    c.Value, (sockaddr*)c.a, (socklen_t*)c.length, LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK), out int errno);
            if (fd >= 0)
            {
                peer = SockAddr.FromBytes(buffer, (int)length);
                return new SafeFd((int)fd, ownsHandle: true);
            }

            peer = default;
            return errno == LibC.EAGAIN || errno == LibC.ECONNABORTED ? null : throw new NativeException("accept4", errno);
        }
    }

    /// <summary>Starts a connect on a non-blocking socket: true when connected at once, false when in progress
    /// (poll for POLLOUT, then CheckConnected).</summary>
    public static bool StartConnect(SafeFd fd, SockAddr address)
    {
        using var lease = new FdLease(fd);
        fixed (byte* a = address.Bytes)
        {
            var call = (lease.Value, a: (nint)a, address.Length);
            if (Syscall.Try(call, static c => LibC.connect(c.Value, (sockaddr*)c.a, (uint)c.Length), out int errno) >= 0)
            {
                return true;
            }

            // A Unix socket whose listen backlog is full (EAGAIN) has nothing in progress; the caller tries again.
            return errno == LibC.EINPROGRESS ? false : throw (errno == LibC.EAGAIN
                ? new NativeException(
                    "connect", errno, "The server's listen backlog is full: it is not accepting connections as fast as they come.")
                : new NativeException("connect", errno));
        }
    }

    /// <summary>After POLLOUT on a connecting socket: throws the connect error (SO_ERROR) if there was one.</summary>
    public static void CheckConnected(SafeFd fd)
    {
        int error = GetInt(fd, LibC.SOL_SOCKET, LibC.SO_ERROR);
        if (error != 0)
        {
            throw new NativeException("connect", error);
        }
    }

    public static PeerCredentials GetPeerCredentials(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        int* cred = stackalloc int[3];
        socklen_t length = 12;
        Syscall.Check("getsockopt", LibC.getsockopt(lease.Value, LibC.SOL_SOCKET, LibC.SO_PEERCRED, cred, &length));

        return new PeerCredentials(cred[0], (uint)cred[1], (uint)cred[2]);
    }

    public static SockAddr GetLocalAddress(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        byte[] buffer = new byte[128];
        fixed (byte* a = buffer)
        {
            socklen_t length = 128;
            Syscall.Check("getsockname", LibC.getsockname(lease.Value, (sockaddr*)a, &length));

            return SockAddr.FromBytes(buffer, (int)length);
        }
    }

    /// <summary>sendto without blocking: false when the socket buffer is full.</summary>
    public static bool TrySendTo(SafeFd fd, ReadOnlySpan<byte> data, SockAddr? to)
    {
        using var lease = new FdLease(fd);
        fixed (byte* d = data)
        {
            byte[]? address = to?.Bytes;
            fixed (byte* a = address)
            {
                var call = (lease.Value, d: (nint)d, data.Length, a: (nint)a, addressLength: to?.Length ?? 0);
                long n = Syscall.Try(
                    call, static c => LibC.sendto(
                        c.Value, (void*)c.d, c.Length, LibC.MSG_NOSIGNAL, (sockaddr*)c.a, (uint)c.addressLength), out int errno);
                return n >= 0 || (errno == LibC.EAGAIN ? false : throw new NativeException("sendto", errno));
            }
        }
    }

    /// <summary>recvfrom without blocking: the datagram's length (-1 when none is waiting) and its sender.</summary>
    public static int TryReceiveFrom(SafeFd fd, Span<byte> buffer, out SockAddr from)
    {
        using var lease = new FdLease(fd);
        byte[] address = new byte[128];
        fixed (byte* b = buffer)
        fixed (byte* a = address)
        {
            socklen_t length = 128;
            var call = (lease.Value, b: (nint)b, buffer.Length, a: (nint)a, length: (nint)(&length));
            long n = Syscall.Try(
                call, static c => LibC.recvfrom(
                    c.Value, (void*)c.b, c.Length, LibC.MSG_TRUNC, (sockaddr*)c.a, (socklen_t*)c.length), out int errno);
            from = n >= 0 ? SockAddr.FromBytes(address, (int)length) : default;
            return n >= 0 ? (int)n : errno == LibC.EAGAIN ? -1 : throw new NativeException("recvfrom", errno);
        }
    }

    /// <summary>The socket's send (SO_SNDBUF) or receive (SO_RCVBUF) buffer in bytes, as the kernel keeps it.</summary>
    public static int GetBufferSize(SafeFd fd, bool send) => GetInt(fd, LibC.SOL_SOCKET, send ? LibC.SO_SNDBUF : LibC.SO_RCVBUF);

    private static void SetInt(SafeFd fd, int level, int option, int value)
    {
        using var lease = new FdLease(fd);
        Syscall.Check("setsockopt", LibC.setsockopt(lease.Value, level, option, &value, sizeof(int)));
    }

    private static int GetInt(SafeFd fd, int level, int option)
    {
        using var lease = new FdLease(fd);
        int value;
        socklen_t length = sizeof(int);
        Syscall.Check("getsockopt", LibC.getsockopt(lease.Value, level, option, &value, &length));
        return value;
    }
}

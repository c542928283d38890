using System;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>A socket address as the kernel takes it (sockaddr_un, sockaddr_in, sockaddr_in6), built byte by byte.</summary>
internal readonly struct SockAddr
{
    public const int MaxUnixPath = 107;

    private SockAddr(byte[] bytes, int length)
    {
        Bytes = bytes;
        Length = length;
    }

    public byte[] Bytes { get; }

    public int Length { get; }

    public int Family => BinaryPrimitives.ReadUInt16LittleEndian(Bytes);

    /// <summary>A Unix socket path, or an abstract name when <paramref name="isAbstract"/>.</summary>
    public static SockAddr Unix(string path, bool isAbstract)
    {
        byte[] name = Encoding.UTF8.GetBytes(path);
        if (name.Length > MaxUnixPath - (isAbstract ? 1 : 0))
        {
            throw new ArgumentException($"'{path}' is {name.Length} bytes; a Unix socket {(isAbstract ? "name" : "path")} holds at most {MaxUnixPath - (isAbstract ? 1 : 0)} bytes (sun_path is 108 bytes). Use a shorter path.", nameof(path));
        }

        byte[] bytes = new byte[110];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 1);
        int offset = isAbstract ? 3 : 2;
        name.CopyTo(bytes, offset);
        return new SockAddr(bytes, isAbstract ? offset + name.Length : offset + name.Length + 1);
    }

    public static SockAddr Inet(IPAddress address, int port)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            byte[] b6 = new byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(b6, 10);
            BinaryPrimitives.WriteUInt16BigEndian(b6.AsSpan(2), (ushort)port);
            address.GetAddressBytes().CopyTo(b6, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(b6.AsSpan(24), (uint)address.ScopeId);
            return new SockAddr(b6, 28);
        }

        byte[] b = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(b, 2);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)port);
        address.GetAddressBytes().CopyTo(b, 4);
        return new SockAddr(b, 16);
    }

    public static SockAddr FromBytes(byte[] bytes, int length) => new(bytes, length);

    /// <summary>The address as people write it: 127.0.0.1:5000, [::1]:5000, a path, or @name for an abstract socket.</summary>
    public override string ToString()
    {
        switch (Family)
        {
            case 1:
                if (Length <= 2)
                {
                    return "(unnamed)";
                }

                if (Bytes[2] == 0)
                {
                    return "@" + Encoding.UTF8.GetString(Bytes, 3, Length - 3);
                }

                int end = Array.IndexOf(Bytes, (byte)0, 2);
                return Encoding.UTF8.GetString(Bytes, 2, (end < 0 ? Length : end) - 2);
            case 2:
                return new IPAddress(Bytes.AsSpan(4, 4)).ToString() + ":" + Port;
            case 10:
                return "[" + new IPAddress(Bytes.AsSpan(8, 16)).ToString() + "]:" + Port;
            default:
                return "family " + Family;
        }
    }

    public int Port => Family is 2 or 10 ? BinaryPrimitives.ReadUInt16BigEndian(Bytes.AsSpan(2)) : 0;
}

/// <summary>The peer's credentials of a Unix socket (SO_PEERCRED).</summary>
internal readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId);

/// <summary>Socket calls through Tmds.LibC: each retries EINTR and throws NativeException naming the call.</summary>
internal static unsafe class Sockets
{
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    public static SafeFd Create(int family, bool datagram)
    {
        int fd = LibC.socket(family, (datagram ? LibC.SOCK_DGRAM : LibC.SOCK_STREAM) | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
        return fd < 0 ? throw new NativeException("socket", LibC.errno) : new SafeFd(fd, ownsHandle: true);
    }

    public static void Bind(SafeFd fd, SockAddr address)
    {
        using var lease = new FdLease(fd);
        fixed (byte* a = address.Bytes)
        {
            if (LibC.bind(lease.Value, (sockaddr*)a, (uint)address.Length) != 0)
            {
                throw new NativeException("bind", LibC.errno);
            }
        }
    }

    public static void Listen(SafeFd fd, int backlog)
    {
        using var lease = new FdLease(fd);
        if (LibC.listen(lease.Value, backlog) != 0)
        {
            throw new NativeException("listen", LibC.errno);
        }
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
            while (true)
            {
                socklen_t length = 128;
                int fd = LibC.accept4(lease.Value, (sockaddr*)a, &length, LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK);
                if (fd >= 0)
                {
                    peer = SockAddr.FromBytes(buffer, (int)length);
                    return new SafeFd(fd, ownsHandle: true);
                }

                int errno = LibC.errno;
                if (errno == LibC.EAGAIN || errno == LibC.ECONNABORTED)
                {
                    peer = default;
                    return null;
                }

                if (errno != LibC.EINTR)
                {
                    throw new NativeException("accept4", errno);
                }
            }
        }
    }

    /// <summary>Starts a connect on a non-blocking socket: true when connected at once, false when in progress (poll for POLLOUT, then CheckConnected).</summary>
    public static bool StartConnect(SafeFd fd, SockAddr address)
    {
        using var lease = new FdLease(fd);
        fixed (byte* a = address.Bytes)
        {
            while (true)
            {
                if (LibC.connect(lease.Value, (sockaddr*)a, (uint)address.Length) == 0)
                {
                    return true;
                }

                int errno = LibC.errno;
                if (errno == LibC.EINPROGRESS)
                {
                    return false;
                }

                if (errno == LibC.EAGAIN)
                {
                    // A Unix socket whose listen backlog is full: nothing is in progress; the caller tries again.
                    throw new NativeException("connect", errno, "The server's listen backlog is full: it is not accepting connections as fast as they come.");
                }

                if (errno != LibC.EINTR)
                {
                    throw new NativeException("connect", errno);
                }
            }
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
        if (LibC.getsockopt(lease.Value, LibC.SOL_SOCKET, LibC.SO_PEERCRED, cred, &length) != 0)
        {
            throw new NativeException("getsockopt", LibC.errno);
        }

        return new PeerCredentials(cred[0], (uint)cred[1], (uint)cred[2]);
    }

    public static SockAddr GetLocalAddress(SafeFd fd)
    {
        using var lease = new FdLease(fd);
        byte[] buffer = new byte[128];
        fixed (byte* a = buffer)
        {
            socklen_t length = 128;
            if (LibC.getsockname(lease.Value, (sockaddr*)a, &length) != 0)
            {
                throw new NativeException("getsockname", LibC.errno);
            }

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
                while (true)
                {
                    long n = LibC.sendto(lease.Value, d, data.Length, LibC.MSG_NOSIGNAL, (sockaddr*)a, (uint)(to?.Length ?? 0));
                    if (n >= 0)
                    {
                        return true;
                    }

                    int errno = LibC.errno;
                    if (errno == LibC.EAGAIN)
                    {
                        return false;
                    }

                    if (errno != LibC.EINTR)
                    {
                        throw new NativeException("sendto", errno);
                    }
                }
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
            while (true)
            {
                socklen_t length = 128;
                long n = LibC.recvfrom(lease.Value, b, buffer.Length, LibC.MSG_TRUNC, (sockaddr*)a, &length);
                if (n >= 0)
                {
                    from = SockAddr.FromBytes(address, (int)length);
                    return (int)n;
                }

                int errno = LibC.errno;
                if (errno == LibC.EAGAIN)
                {
                    from = default;
                    return -1;
                }

                if (errno != LibC.EINTR)
                {
                    throw new NativeException("recvfrom", errno);
                }
            }
        }
    }

    private static void SetInt(SafeFd fd, int level, int option, int value)
    {
        using var lease = new FdLease(fd);
        if (LibC.setsockopt(lease.Value, level, option, &value, sizeof(int)) != 0)
        {
            throw new NativeException("setsockopt", LibC.errno);
        }
    }

    private static int GetInt(SafeFd fd, int level, int option)
    {
        using var lease = new FdLease(fd);
        int value;
        socklen_t length = sizeof(int);
        if (LibC.getsockopt(lease.Value, level, option, &value, &length) != 0)
        {
            throw new NativeException("getsockopt", LibC.errno);
        }

        return value;
    }
}

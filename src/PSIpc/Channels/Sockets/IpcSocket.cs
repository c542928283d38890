using System;
using System.Linq;
using System.Net;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>The kind of address a socket has.</summary>
public enum IpcSocketProtocol
{
    /// <summary>A Unix-domain stream socket with a path in the file system.</summary>
    Unix,

    /// <summary>A Unix-domain stream socket in Linux's abstract namespace (no file).</summary>
    UnixAbstract,

    Tcp,

    Udp,
}

/// <summary>
/// A connected stream socket (Unix-domain or TCP): a client's connection, or one a server accepted. Framing as on
/// every stream channel. Unix sockets show the peer's credentials (SO_PEERCRED).
/// </summary>
public sealed class IpcSocket : StreamChannel
{
    private readonly string _remoteEndPoint;

    internal IpcSocket(SafeFd fd, IpcSocketProtocol protocol, string localEndPoint, string remoteEndPoint, IpcFraming framing)
        : base(fd, fd, framing)
    {
        Protocol = protocol;
        LocalEndPoint = localEndPoint;
        _remoteEndPoint = remoteEndPoint;
        Name = remoteEndPoint;
        if (protocol is IpcSocketProtocol.Unix or IpcSocketProtocol.UnixAbstract)
        {
            PeerCredentials cred = Sockets.GetPeerCredentials(fd);
            PeerProcessId = cred.ProcessId;
            PeerUserId = cred.UserId;
            PeerGroupId = cred.GroupId;
        }
        else
        {
            Sockets.SetNoDelay(fd);
        }
    }

    /// <inheritdoc/>
    public override string Kind => "Socket";

    /// <inheritdoc/>
    private protected override bool IsConnection => true;

    /// <summary>The socket's send buffer in bytes (SO_SNDBUF); a full one makes Send wait for the peer to read.</summary>
    public override IpcCapacity Capacity =>
        MeasureCapacity(() => IpcCapacity.OfBytes(Sockets.GetBufferSize(ReadDescriptor!, send: true), "the send buffer (SO_SNDBUF)"));

    public IpcSocketProtocol Protocol { get; }

    /// <summary>This end's address.</summary>
    public string LocalEndPoint { get; }

    /// <summary>The other end's address (for Unix sockets, the server's path or @name, or the client's process).</summary>
    public override string RemoteEndPoint => _remoteEndPoint;

    /// <summary>Unix sockets: the peer's process id when the connection was made; null for TCP.</summary>
    public int? PeerProcessId { get; }

    /// <summary>Unix sockets: the peer's user id.</summary>
    public uint? PeerUserId { get; }

    /// <summary>Unix sockets: the peer's group id.</summary>
    public uint? PeerGroupId { get; }

    /// <inheritdoc/>
    internal override PeerIdentity? Peer =>
        PeerProcessId is int pid ? new PeerIdentity(pid, PeerUserId.GetValueOrDefault(), PeerGroupId.GetValueOrDefault()) : null;

    /// <summary>Connects to a Unix socket by path (or abstract name), waiting at most <paramref name="timeout"/>.</summary>
    public static IpcSocket ConnectUnix(
        string path,
        bool isAbstract,
        IpcFraming framing = IpcFraming.Message,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        SockAddr address = SockAddr.Unix(path, isAbstract);
        return Connect(
            Sockets.AF_UNIX,
            address,
            isAbstract ? IpcSocketProtocol.UnixAbstract : IpcSocketProtocol.Unix,
            framing,
            timeout,
            cancellationToken);
    }

    /// <summary>Connects over TCP to <paramref name="host"/> (a name or an address) and <paramref name="port"/>.</summary>
    public static IpcSocket ConnectTcp(
        string host,
        int port,
        IpcFraming framing = IpcFraming.Message,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        IPAddress address = ResolveHost(host);
        return Connect(
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Sockets.AF_INET6 : Sockets.AF_INET,
            SockAddr.Inet(address, port),
            IpcSocketProtocol.Tcp,
            framing,
            timeout,
            cancellationToken);
    }

    internal static IPAddress ResolveHost(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? parsed))
        {
            return parsed;
        }

        IPAddress[] found = Dns.GetHostAddresses(host);
        return found.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? found.FirstOrDefault()
            ?? throw new ArgumentException($"'{host}' has no address.", nameof(host));
    }

    /// <summary>
    /// connect(2), tried again every few milliseconds while a Unix server's backlog is full (EAGAIN: unlike TCP,
    /// nothing is in progress then), within the deadline and Ctrl+C. False when a TCP connect is in progress.
    /// </summary>
    private static bool StartConnectWhenBacklogHasRoom(SafeFd fd, SockAddr address, Deadline deadline, CancellationToken cancellationToken)
    {
        int pause = 1;
        while (true)
        {
            try
            {
                return Sockets.StartConnect(fd, address);
            }
            catch (NativeException e) when (e.Errno == Errno.EAGAIN)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int left = deadline.RemainingMilliseconds();
                if (left == 0)
                {
                    throw new IpcTimeoutException("ConnectTimeout",
                        $"{address} did not accept the connection within {deadline.Timeout}: its listen backlog "
                        + "stayed full (the server is not accepting, or not fast enough). Raise -Timeout, or check "
                        + "the server.");
                }

                Thread.Sleep(left < 0 ? pause : Math.Min(pause, left));
                pause = Math.Min(pause * 2, 20);
            }
        }
    }

    private static IpcSocket Connect(
        int family, SockAddr address, IpcSocketProtocol protocol, IpcFraming framing, TimeSpan? timeout, CancellationToken cancellationToken
        )
    {
        SafeFd fd = Sockets.Create(family, datagram: false);
        try
        {
            Deadline deadline = Deadline.After(timeout);
            if (!StartConnectWhenBacklogHasRoom(fd, address, deadline, cancellationToken))
            {
                using var waiter = new FdWaiter();
                waiter.Wait(fd, Fd.POLLOUT, deadline, cancellationToken, static () => { }, () => new IpcTimeoutException("ConnectTimeout",
                    $"Connecting to {address} did not complete within {deadline.Timeout}. Check that the server is "
                    + "running and reachable, or raise -Timeout."));
                Sockets.CheckConnected(fd);
            }

            return new IpcSocket(fd, protocol, Sockets.GetLocalAddress(fd).ToString(), address.ToString(), framing);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }
}

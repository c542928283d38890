using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A listening socket (Unix path, abstract name or TCP port). As a channel, Receive takes messages from all connected
/// clients at once, accepting new ones as they come; each envelope's Sender is that client's connection, to reply on.
/// A client that disconnects ends only its own stream; one that breaks a frame or resets gets an error of its own.
/// Dispose (Stop-IpcSocketServer) closes the listener and every client, and removes the socket file it created.
/// </summary>
public sealed partial class IpcSocketServer : IpcChannel
{
    private readonly SafeFd _listener;
    private readonly FdWaiter _waiter = new();
    private readonly List<IpcSocket> _clients = new();
    private readonly object _lock = new();
    private readonly HashSet<uint>? _allowedUsers;
    private readonly string? _createdPath;
    private readonly ulong _createdInode;
    private readonly HashSet<string> _refusedPeers = new();
    private readonly Queue<string> _warnings = new();
    private readonly bool _ownUserOnly;
    private int _next;
    private long _accepted;
    private long _refused;

    private IpcSocketServer(
        SafeFd listener,
        IpcSocketProtocol protocol,
        string endpoint,
        IpcFraming framing,
        string? createdPath,
        HashSet<uint>? allowedUsers,
        ulong createdInode = 0,
        bool ownUserOnly = false)
        : base(framing)
    {
        _ownUserOnly = ownUserOnly;
        _createdInode = createdInode;
        _listener = listener;
        Protocol = protocol;
        EndPoint = endpoint;
        Name = endpoint;
        Path = createdPath;
        _createdPath = createdPath;
        _allowedUsers = allowedUsers;
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "SocketServer";

    /// <summary>What each client's connection holds, in bytes (SO_RCVBUF of the listening socket, which connections inherit).</summary>
    public override IpcCapacity Capacity => MeasureCapacity(() =>
        IpcCapacity.OfBytes(Sockets.GetBufferSize(_listener, send: false), "each connection's receive buffer (SO_RCVBUF)"));

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.SenderIdentity;

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Read;

    public IpcSocketProtocol Protocol { get; }

    /// <summary>Where it listens: the path, @name, or address:port (with the real port when -Port 0 was asked).</summary>
    public string EndPoint { get; }

    /// <summary>The TCP port (0 for Unix sockets).</summary>
    public int Port => Protocol == IpcSocketProtocol.Tcp ? int.Parse(
        EndPoint.Substring(EndPoint.LastIndexOf(':') + 1), CultureInfo.InvariantCulture) : 0;

    /// <summary>Clients connected to the receiving loop now.</summary>
    public int ClientCount
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections refused by -AllowUser.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Listens on a Unix socket path with exactly <paramref name="mode"/>. <paramref name="force"/> replaces a stale
    /// socket file left by a dead server, never a live server's socket or another kind of file.
    /// </summary>
    public static IpcSocketServer ListenUnix(
        string path,
        uint mode = 0x180,
        bool force = false,
        IpcFraming framing = IpcFraming.Message,
        IEnumerable<uint>? allowedUsers = null,
        int backlog = 128)
    {
        SockAddr address = SockAddr.Unix(path, isAbstract: false);
        if (force && Fd.TryLStat(path, out FileStatus existing))
        {
            if (!existing.IsSocket)
            {
                throw new ArgumentException(
                    $"'{path}' is a {FileModes.TypeName(existing.Mode)}, not a socket; -Force replaces only a stale "
                    + "socket file. Remove it yourself if it should go.", nameof(path));
            }

            if (IsLive(address))
            {
                throw new NativeException("bind", Errno.EADDRINUSE,
                    $"A server is listening on '{path}'; -Force replaces only a stale socket file, never a live "
                    + "server's.");
            }

            Fd.Unlink(path);
        }

        SafeFd fd = Sockets.Create(Sockets.AF_UNIX, datagram: false);
        try
        {
            // The file bind creates takes the socket's own mode less the umask: set it first, so the file is never
            // more open than asked, then make it exact on the file itself, never by a path someone could swap.
            Fd.FChmod(fd, mode);
            Sockets.Bind(fd, address);
            ulong inode;
            try
            {
                inode = SetOwnSocketFileMode(path, mode);
                Sockets.Listen(fd, backlog);
                CreatedFiles.Add(path);
            }
            catch (Exception e) when (e is not IpcPathReplacedException)
            {
                Fd.TryUnlink(path);
                throw;
            }

            return new IpcSocketServer(fd, IpcSocketProtocol.Unix, path, framing, path, Set(allowedUsers), inode);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Listens on an abstract Unix socket name (no file; it goes with the last descriptor).</summary>
    public static IpcSocketServer ListenAbstract(
        string name, IpcFraming framing = IpcFraming.Message, IEnumerable<uint>? allowedUsers = null, int backlog = 128)
    {
        SafeFd fd = Sockets.Create(Sockets.AF_UNIX, datagram: false);
        try
        {
            Sockets.Bind(fd, SockAddr.Unix(name, isAbstract: true));
            Sockets.Listen(fd, backlog);
            // An abstract name has no file mode to keep other users out: by default only this user may connect.
            return new IpcSocketServer(
                fd,
                IpcSocketProtocol.UnixAbstract,
                "@" + name,
                framing,
                null,
                Set(allowedUsers) ?? new HashSet<uint> { Fd.GetEffectiveUid() },
                ownUserOnly: allowedUsers is null);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Listens on a TCP port (0 picks a free one; EndPoint shows it).</summary>
    public static IpcSocketServer ListenTcp(IPAddress address, int port, IpcFraming framing = IpcFraming.Message, int backlog = 128)
    {
        SafeFd fd = Sockets.Create(
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Sockets.AF_INET6 : Sockets.AF_INET, datagram: false);
        try
        {
            Sockets.SetReuseAddress(fd);
            Sockets.Bind(fd, SockAddr.Inet(address, port));
            Sockets.Listen(fd, backlog);
            return new IpcSocketServer(fd, IpcSocketProtocol.Tcp, Sockets.GetLocalAddress(fd).ToString(), framing, null, null);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next connection and returns it as a channel of its own (not part of Receive's loop).</summary>
    public IpcSocket Accept(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        Deadline deadline = Deadline.After(timeout);
        while (true)
        {
            IpcSocket? client = TryAcceptOne();
            if (client is not null)
            {
                return client;
            }

            _waiter.Wait(_listener, Fd.POLLIN, deadline, cancellationToken, ThrowIfClosed, () => new IpcTimeoutException(
                "AcceptTimeout",
                $"No client connected to {EndPoint} within {deadline.Timeout}. Start a client, or raise -Timeout."));
        }
    }

    /// <summary>The clients connected to the receiving loop.</summary>
    public IReadOnlyList<IpcSocket> Clients
    {
        get
        {
            lock (_lock)
            {
                return _clients.ToArray();
            }
        }
    }

    public override string ToString() => $"{Protocol} server {EndPoint}{(IsOpen ? string.Empty : " (stopped)")}";

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        throw new InvalidOperationException(
            "A server has no single peer to send to: reply on a client's channel (the envelope's Sender), or use "
            + "Wait-IpcConnection.");

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        while (true)
        {
            while (TryAcceptOne() is { } client)
            {
                lock (_lock)
                {
                    _clients.Add(client);
                }
            }

            IpcSocket[] clients = Clients.ToArray();
            for (int i = 0; i < clients.Length; i++)
            {
                IpcSocket c = clients[(_next + i) % clients.Length];
                if (!c.IsOpen)
                {
                    // Closed by the script (Close-IpcChannel $m.Sender): what it still had buffered is not delivered.
                    Drop(c);
                    continue;
                }

                RawMessage? raw;
                try
                {
                    raw = c.ReceiveRawNow();
                }
                catch (Exception e) when (e is IpcProtocolException or NativeException or ObjectDisposedException)
                {
                    Drop(c);
                    throw new IpcClientException(c, e);
                }

                if (raw is { } message)
                {
                    _next = (_next + i + 1) % Math.Max(clients.Length, 1);
                    return message with { Sender = c };
                }

                if (!c.LastReceiveWouldBlock)
                {
                    Drop(c);
                }
            }

            if (wait.NoWait)
            {
                return null;
            }

            List<SafeFd> fds = new() { _listener };
            clients = Clients.ToArray();
            fds.AddRange(clients.Select(c => c.ReadDescriptor!));
            bool[] ready = new bool[fds.Count];
            if (!_waiter.WaitAny(fds, ready, deadline, wait.Cancel, ThrowIfClosed))
            {
                throw new IpcTimeoutException("ReceiveTimeout",
                    $"No message arrived at {EndPoint} within {deadline.Timeout} ({clients.Length} client(s) "
                    + "connected). Raise -Timeout.");
            }
        }
    }

    private protected override Exception OnUndecodable(RawMessage raw, IpcPayloadException error)
    {
        if (raw.Sender is IpcSocket client)
        {
            Drop(client);
            return new IpcClientException(client, error);
        }

        return error;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiter.Dispose();
            _listener.Dispose();
            foreach (IpcSocket c in Clients)
            {
                c.Dispose();
            }

            lock (_lock)
            {
                _clients.Clear();
            }

            // Only the socket file this server made: not one that replaced it at that path since.
            if (_createdPath is not null && Fd.TryLStat(_createdPath, out FileStatus st) && st.IsSocket && st.Inode == _createdInode)
            {
                Fd.TryUnlink(_createdPath);
            }
        }
    }

    /// <summary>Gives the socket file at <paramref name="path"/> exactly <paramref name="mode"/> once it is
    /// known to be this user's socket, not a link; returns its inode.</summary>
    internal static ulong SetOwnSocketFileMode(string path, uint mode)
    {
        using SafeFd file = Fd.Open(path, Fd.O_PATH | Fd.O_NOFOLLOW);
        FileStatus status = Fd.FStat(file);
        if (!status.IsSocket || status.Uid != Fd.GetEffectiveUid())
        {
            throw new IpcPathReplacedException(path, $"a {FileModes.TypeName(status.Mode)} of user {status.Uid}");
        }

        if (status.Permissions != mode)
        {
            Fd.ChmodByDescriptor(file, mode);
        }

        return status.Inode;
    }

    private static HashSet<uint>? Set(IEnumerable<uint>? users) => users is null ? null : new HashSet<uint>(users);

}

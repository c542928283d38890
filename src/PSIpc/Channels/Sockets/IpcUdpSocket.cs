using System;
using System.Net;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A UDP socket: one Send is one datagram. Bound (New-IpcSocketServer -Protocol Udp), a Receive's envelope has the
/// sender as a channel to reply on; connected (Connect-IpcSocket -Protocol Udp), it sends to and receives from one peer.
/// </summary>
public sealed class IpcUdpSocket : IpcChannel
{
    private readonly string? _remoteEndPoint;

    /// <summary>The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers.</summary>
    public const int MaxDatagram = 65507;

    private readonly SafeFd _fd;
    private readonly FdWaiter _waiter = new();
    private readonly object _receiveLock = new();
    private readonly byte[] _buffer = new byte[65536];
    private readonly bool _connected;

    private IpcUdpSocket(SafeFd fd, string local, string? remote, bool connected)
        : base(IpcFraming.Message)
    {
        _fd = fd;
        _connected = connected;
        LocalEndPoint = local;
        _remoteEndPoint = remote;
        Name = remote ?? local;
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "Socket";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Both;

    public IpcSocketProtocol Protocol => IpcSocketProtocol.Udp;

    /// <summary>The receive buffer in bytes (SO_RCVBUF): a datagram that finds it full is dropped, and Send does not wait.</summary>
    public override IpcCapacity Capacity => MeasureCapacity(() =>
        IpcCapacity.OfBytes(Sockets.GetBufferSize(_fd, send: false), "the receive buffer (SO_RCVBUF); datagrams beyond it are dropped"));

    public string LocalEndPoint { get; }

    /// <summary>The peer of a connected socket; null for a bound one.</summary>
    public override string? RemoteEndPoint => _remoteEndPoint;

    /// <summary>The local port.</summary>
    public int Port => int.Parse(
        LocalEndPoint.Substring(LocalEndPoint.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Binds to <paramref name="address"/> and <paramref name="port"/> (0 picks a free one).</summary>
    public static IpcUdpSocket Bind(IPAddress address, int port)
    {
        SafeFd fd = Sockets.Create(Family(address), datagram: true);
        try
        {
            Sockets.Bind(fd, SockAddr.Inet(address, port));
            return new IpcUdpSocket(fd, Sockets.GetLocalAddress(fd).ToString(), null, connected: false);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Makes a socket whose datagrams go to (and come only from) <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static IpcUdpSocket Connect(string host, int port)
    {
        IPAddress address = IpcSocket.ResolveHost(host);
        SafeFd fd = Sockets.Create(Family(address), datagram: true);
        try
        {
            SockAddr remote = SockAddr.Inet(address, port);
            Sockets.StartConnect(fd, remote);
            return new IpcUdpSocket(fd, Sockets.GetLocalAddress(fd).ToString(), remote.ToString(), connected: true);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    internal void SendTo(
        ReadOnlySpan<byte> payload, IpcEncoding encoding, SockAddr? to, Deadline deadline, CancellationToken cancellationToken)
    {
        int length = DatagramCodec.WrappedLength(payload.Length, encoding);
        if (length > MaxDatagram)
        {
            throw new ArgumentException(
                $"The message is {length} bytes; a UDP datagram carries at most {MaxDatagram}. Send less, "
                + "or use a stream socket (TCP or Unix).");
        }

        using RentedDatagram datagram = DatagramCodec.Rent(payload, encoding);
        while (!Sockets.TrySendTo(_fd, datagram.Message, to))
        {
            _waiter.Wait(
                _fd,
                Fd.POLLOUT,
                deadline,
                cancellationToken,
                ThrowIfClosed,
                () => new IpcTimeoutException("SendTimeout", $"The socket {Name} could not send within {deadline.Timeout}."));
        }
    }

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.SenderIdentity;

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait)
    {
        if (!_connected)
        {
            throw new InvalidOperationException(
                "This UDP socket is bound, not connected: reply on a received envelope's Sender, or use "
                + "Connect-IpcSocket -Protocol Udp.");
        }

        SendTo(payload, encoding, null, wait.Deadline, wait.Cancel);
    }

    private protected override RawMessage? ReceiveCore(in IpcWait wait)
    {
        Deadline deadline = wait.Deadline;
        lock (_receiveLock)
        {
            while (true)
            {
                int n = Sockets.TryReceiveFrom(_fd, _buffer, out SockAddr from);
                if (n >= 0)
                {
                    if (n > _buffer.Length)
                    {
                        throw new IpcProtocolException(
                            "DatagramTruncated", $"A datagram of {n} bytes arrived, more than {_buffer.Length}; it was discarded.");
                    }

                    RawMessage raw = DatagramCodec.Unwrap(_buffer.AsSpan(0, n), null, null);
                    return raw with { Sender = _connected ? this : new IpcUdpPeer(this, from) };
                }

                if (wait.NoWait)
                {
                    return null;
                }

                _waiter.Wait(_fd, Fd.POLLIN, deadline, wait.Cancel, ThrowIfClosed, () => new IpcTimeoutException(
                    "ReceiveTimeout",
                    $"No datagram arrived at {LocalEndPoint} within {deadline.Timeout}. Raise -Timeout."));
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiter.Dispose();
            _fd.Dispose();
        }
    }

    private static int Family(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Sockets.AF_INET6 : Sockets.AF_INET;
}

/// <summary>The sender of a UDP datagram, as a channel: Send-IpcMessage to it replies through the socket that received it.</summary>
public sealed class IpcUdpPeer : IpcChannel
{
    private readonly IpcUdpSocket _socket;
    private readonly SockAddr _address;

    internal IpcUdpPeer(IpcUdpSocket socket, SockAddr address)
        : base(IpcFraming.Message)
    {
        _socket = socket;
        _address = address;
        Name = address.ToString();
    }

    /// <inheritdoc/>
    public override string Kind => "Socket";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Write;

    /// <summary>The peer's address:port.</summary>
    public override string RemoteEndPoint => Name!;

    /// <inheritdoc/>
    public override IpcCapacity Capacity => _socket.Capacity;

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        _socket.SendTo(payload, encoding, _address, wait.Deadline, wait.Cancel);

    private protected override RawMessage? ReceiveCore(in IpcWait wait) =>
        throw new InvalidOperationException("Receive on the UDP socket, not on a sender.");

    protected override void Dispose(bool disposing)
    {
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// This process's mailbox (Open-IpcMailbox): a Unix datagram socket at <c>${PSIPC_MAILBOX_ROOT:-/tmp}/psipc-UID/PID</c>
/// that any process of the user (and users it allows) sends to by naming this process's id. Each datagram is one
/// message, framed as on System V queues (Text and Bytes bare, CliXml and Json behind the PSIpc header). The sender's
/// pid, uid and gid come from the kernel (SCM_CREDENTIALS), its pidfd (SCM_PIDFD) says which process it was, so a
/// later process with the same pid is not taken for it. One per process: every Open returns the same object.
/// </summary>
public sealed class IpcMailbox : IpcChannel, ISenderSelectingChannel
{
    /// <summary>The most messages kept aside for later while -FromProcessId looks for another sender's.</summary>
    public const int MaxPending = 4096;

    /// <summary>The largest datagram a mailbox takes: what a sender's widest send buffer allows (8 MiB less overhead).</summary>
    internal const int MaxDatagram = 8 * 1024 * 1024;

    private const uint SocketMode = 0x180;
    private static readonly object Gate = new();
    private static IpcMailbox? _current;

    private readonly SafeFd _fd;
    private readonly FdWaiter _waiter = new();
    private readonly object _receiveLock = new();
    private readonly LinkedList<Arrived> _pending = new();
    private readonly SortedSet<uint> _allowed;
    private readonly ulong _inode;
    private readonly int? _capacity;
    private byte[] _buffer = Array.Empty<byte>();

    private IpcMailbox(SafeFd fd, string path, ulong inode, int? capacity, IEnumerable<uint> allowed, bool pidfds)
        : base(IpcFraming.Message)
    {
        _fd = fd;
        Path = path;
        _inode = inode;
        _capacity = capacity;
        _allowed = new SortedSet<uint>(allowed);
        KnowsProcessIdentity = pidfds;
        ProcessId = Environment.ProcessId;
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "Mailbox";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Read;

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.SenderIdentity;

    /// <summary>The process whose mailbox this is (this one).</summary>
    public int ProcessId { get; }

    /// <summary>
    /// -Capacity n: each sender may have at most n messages not yet received (0: every send waits for Receive);
    /// otherwise the kernel's queue, net.unix.max_dgram_qlen datagrams, after which senders wait.
    /// </summary>
    public override IpcCapacity Capacity => CapacityFor(_capacity);

    /// <summary>The bound of a mailbox opened with <paramref name="capacity"/> (null: without -Capacity).</summary>
    internal static IpcCapacity CapacityFor(int? capacity) => capacity switch
    {
        0 => IpcCapacity.OfMessages(0, "-Capacity 0: every send waits until Receive-IpcMessage takes it"),
        int n => IpcCapacity.OfMessages(n, "-Capacity: messages each sending process may have waiting"),
        _ => IpcCapacity.OfMessages(KernelQueueLength, "the kernel's datagram queue (net.unix.max_dgram_qlen)"),
    };

    /// <summary>Users besides the owner that may send here (-AllowUser).</summary>
    public string[] AllowedUsers => _allowed.Select(UserNames.Lookup).ToArray();

    /// <summary>Messages read from the socket and kept for a later Receive (others' messages while -FromProcessId waited).</summary>
    public int PendingCount
    {
        get
        {
            lock (_receiveLock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>True where the kernel gives pidfds (Linux 6.5+, pidfs 6.9+): senders are told apart from later
    /// processes with the same pid.</summary>
    public bool KnowsProcessIdentity { get; }

    /// <summary>What the kernel queues per socket before senders wait (net.unix.max_dgram_qlen).</summary>
    internal static int KernelQueueLength
    {
        get
        {
            try
            {
                return int.Parse(File.ReadAllText("/proc/sys/net/unix/max_dgram_qlen").Trim(), CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return 10;
            }
        }
    }

    /// <summary>This process's mailbox: the open one, or a new one bound now.</summary>
    public static IpcMailbox Open(IEnumerable<uint>? allowedUsers = null, int? capacity = null)
    {
        uint[] allowed = (allowedUsers ?? Array.Empty<uint>()).Distinct().ToArray();
        lock (Gate)
        {
            if (_current is { IsOpen: true } open)
            {
                if (capacity is not null && capacity != open._capacity)
                {
                    throw new InvalidOperationException(
                        $"This process's mailbox is open with Capacity {open.Capacity}; close it (Close-IpcChannel) "
                        + "before opening it with another -Capacity.");
                }

                open.Allow(allowed);
                return open;
            }

            _current = Bind(allowed, capacity);
            return _current;
        }
    }

    /// <summary>Lets more users send here (the socket's and the directory's ACLs).</summary>
    private void Allow(uint[] users)
    {
        uint self = Fd.GetEffectiveUid();
        uint[] added = users.Where(u => u != self && !_allowed.Contains(u)).ToArray();
        if (added.Length == 0)
        {
            return;
        }

        using SafeFd dir = MailboxDirectory.OpenChecked(self, create: false)
            ?? throw new IpcUnsafeDirectoryException(MailboxDirectory.PathFor(self), "was removed");
        MailboxFiles.Allow(dir, Path!, added);
        _allowed.UnionWith(added);
    }

    private static IpcMailbox Bind(uint[] allowed, int? capacity)
    {
        uint self = Fd.GetEffectiveUid();
        allowed = allowed.Where(u => u != self).ToArray();
        using SafeFd dir = MailboxDirectory.OpenChecked(self, create: true)!;
        MailboxFiles.RemoveStale(self);
        string path = MailboxDirectory.SocketPath(self, Environment.ProcessId);
        SockAddr address = SockAddr.Unix(path, isAbstract: false);

        // Nothing else in this process is bound there (Gate), and no other process has this pid: what is there is stale.
        Fd.TryUnlink(path);
        MailboxFiles.WriteCapacity(self, capacity);
        SafeFd fd = Sockets.Create(Sockets.AF_UNIX, datagram: true);
        try
        {
            bool pidfds = Mailboxes.PassCredentials(fd);
            Fd.FChmod(fd, SocketMode);
            Sockets.Bind(fd, address);
            ulong inode;
            try
            {
                inode = IpcSocketServer.SetOwnSocketFileMode(path, SocketMode);
                MailboxFiles.Allow(dir, path, allowed);
            }
            catch
            {
                Fd.TryUnlink(path);
                throw;
            }

            return new IpcMailbox(fd, path, inode, capacity, allowed, pidfds);
        }
        catch
        {
            fd.Dispose();
            Fd.TryUnlink(MailboxDirectory.CapacityPath(self, Environment.ProcessId));
            throw;
        }
    }

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        throw new InvalidOperationException("A mailbox receives; send to a process with Send-IpcMessage -ProcessId.");

    private protected override RawMessage? ReceiveCore(in IpcWait wait) => Take(null, wait);

    RawMessage? ISenderSelectingChannel.ReceiveFrom(int processId, in IpcWait wait) => Take(processId, wait);

    private RawMessage? Take(int? from, in IpcWait wait)
    {
        lock (_receiveLock)
        {
            ulong wanted = from is int pid && KnowsProcessIdentity ? Mailboxes.ProcessInode(pid) : 0;
            for (LinkedListNode<Arrived>? node = _pending.First; node is not null; node = node.Next)
            {
                if (from is null || node.Value.IsFrom(from.Value, wanted))
                {
                    _pending.Remove(node);
                    return Deliver(node.Value);
                }
            }

            while (true)
            {
                if (from is not null && _pending.Count >= MaxPending)
                {
                    throw new InvalidOperationException(
                        $"{_pending.Count} messages from other processes wait in this mailbox, the most it keeps aside; "
                        + $"receive them (Receive-IpcMessage without -FromProcessId) before waiting for process {from}'s.");
                }

                if (ReadOne() is Arrived arrived)
                {
                    if (from is null || arrived.IsFrom(from.Value, wanted))
                    {
                        return Deliver(arrived);
                    }

                    _pending.AddLast(arrived);
                    continue;
                }

                if (wait.NoWait)
                {
                    return null;
                }

                Deadline deadline = wait.Deadline;
                _waiter.Wait(_fd, Fd.POLLIN, deadline, wait.Cancel, ThrowIfClosed, () => new IpcTimeoutException(
                    "ReceiveTimeout",
                    $"No message {(from is null ? string.Empty : $"from process {from} ")}arrived in this process's mailbox "
                    + $"within {deadline.Timeout}{(_pending.Count > 0 ? $" ({_pending.Count} from others wait)" : string.Empty)}. "
                    + "Check that the sender is running, or raise -Timeout."));
            }
        }
    }

    /// <summary>One datagram from the socket, or null when none is waiting.</summary>
    private Arrived? ReadOne()
    {
        if (_buffer.Length == 0)
        {
            // Uninitialized: the pages are touched only as large messages use them.
            _buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram + 1024);
        }

        int n = Mailboxes.TryReceive(_fd, _buffer, out DatagramCredentials who, out SockAddr from);
        if (n < 0)
        {
            return null;
        }

        if (n > _buffer.Length)
        {
            throw new IpcProtocolException("DatagramTruncated",
                $"Process {who.ProcessId} (user {who.UserId}) sent a datagram of {n} bytes, more than a mailbox takes "
                + $"({_buffer.Length}); it was discarded. Send large data through shared memory or a stream socket.");
        }

        ReadOnlySpan<byte> data = _buffer.AsSpan(0, n);
        long? sequence = DatagramCodec.TryUnwrapReceiptRequest(data, out _, out long seq) ? seq : null;
        return new Arrived(DatagramCodec.Unwrap(data, null, null), who, from, sequence);
    }

    private RawMessage Deliver(Arrived arrived)
    {
        var sender = new MailboxSender(arrived.Who);
        if (arrived.Sequence is not long sequence)
        {
            return arrived.Message with { Sender = sender };
        }

        SockAddr to = arrived.From;
        return arrived.Message with { Sender = sender, Receipt = () => SendReceipt(to, sequence) };
    }

    /// <summary>Tells the sender its message was taken. A sender that is gone or not reading misses it, harmlessly.</summary>
    private void SendReceipt(SockAddr to, long sequence)
    {
        Span<byte> receipt = stackalloc byte[Frame.ReceiptSize];
        Frame.WriteReceipt(receipt, sequence);
        try
        {
            Sockets.TrySendTo(_fd, receipt, to);
        }
        catch (Exception e) when (e is NativeException or ObjectDisposedException)
        {
            // ECONNREFUSED, EPERM (its socket is no longer connected to us): the sender went away.
        }
    }

    public override string ToString() => $"Mailbox of process {ProcessId} ({Path}{(IsOpen ? string.Empty : ", closed")})";

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (Gate)
        {
            if (ReferenceEquals(_current, this))
            {
                _current = null;
            }
        }

        _waiter.Wake();
        _fd.Dispose();
        _waiter.Dispose();
        if (Fd.TryLStat(Path!, out FileStatus status) && status.Inode == _inode)
        {
            Fd.TryUnlink(Path!);
        }

        Fd.TryUnlink(MailboxDirectory.CapacityPath(Fd.GetEffectiveUid(), ProcessId));
    }

    /// <summary>A message read from the socket with who sent it, where receipts go, and its number when it wants one.</summary>
    private readonly record struct Arrived(RawMessage Message, DatagramCredentials Who, SockAddr From, long? Sequence)
    {
        /// <summary>From process <paramref name="pid"/>, and the same process (pidfs inode) when both are known.</summary>
        public bool IsFrom(int pid, ulong inode) =>
            Who.ProcessId == pid && (inode == 0 || Who.ProcessInode == 0 || Who.ProcessInode == inode);
    }
}

using System;
using System.Collections.Concurrent;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// The link from this process to another's mailbox (direct communication): a datagram socket with an address of its
/// own, connected to the mailbox, so that only the mailbox can send to it (receipts). One per pair of processes, made
/// on the first send and kept; Send-IpcMessage -ProcessId uses it.
/// </summary>
public sealed class MailboxLink : IpcChannel, IReceiptChannel
{
    private static readonly ConcurrentDictionary<int, MailboxLink> Links = new();

    private readonly SafeFd _fd;
    private readonly FdWaiter _waiter = new();
    private readonly object _sendLock = new();
    private readonly int? _capacity;
    private readonly int _maxDatagram;
    private long _sequence;
    private long _receipted;

    private MailboxLink(int pid, string path, SafeFd fd, int? capacity)
        : base(IpcFraming.Message)
    {
        ProcessId = pid;
        Path = path;
        Name = "process " + pid;
        _fd = fd;
        _capacity = capacity;
        _maxDatagram = Math.Min(Mailboxes.SetSendBuffer(fd, IpcMailbox.MaxDatagram / 2) - 32, IpcMailbox.MaxDatagram);
        OpenResources.Track(this);
    }

    /// <inheritdoc/>
    public override string Kind => "Mailbox";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Write;

    /// <summary>The process this link delivers to.</summary>
    public int ProcessId { get; }

    /// <inheritdoc/>
    public override IpcCapacity Capacity => IpcMailbox.CapacityFor(_capacity);

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities =>
        IpcChannelCapabilities.NoWaitSend | IpcChannelCapabilities.Receipts;

    /// <summary>The link to process <paramref name="pid"/>'s mailbox: the one made before, or a new one.</summary>
    public static MailboxLink To(int pid)
    {
        if (Links.TryGetValue(pid, out MailboxLink? link) && link.IsOpen)
        {
            return link;
        }

        link = Connect(pid);
        Links[pid] = link;
        return link;
    }

    private static MailboxLink Connect(int pid)
    {
        if (pid <= 0 || MailboxDirectory.UserOf(pid) is not uint uid)
        {
            throw new IpcProcessNotFoundException(pid, "NoSuchProcess", $"There is no process {pid}: check the process id.");
        }

        string path = MailboxDirectory.SocketPath(uid, pid);
        using (SafeFd? dir = MailboxDirectory.OpenChecked(uid, create: false))
        {
            if (dir is null)
            {
                throw NoMailbox(pid);
            }
        }

        SafeFd fd = Sockets.Create(Sockets.AF_UNIX, datagram: true);
        try
        {
            Mailboxes.AutoBind(fd);
            Sockets.StartConnect(fd, SockAddr.Unix(path, isAbstract: false));
            return new MailboxLink(pid, path, fd, MailboxFiles.ReadCapacity(uid, pid));
        }
        catch (NativeException e)
        {
            fd.Dispose();
            if (e.Errno == Errno.ENOENT)
            {
                throw NoMailbox(pid);
            }

            if (e.Errno == Errno.ECONNREFUSED)
            {
                // A socket file no one is bound to: its process was killed before it could close the mailbox.
                if (uid == Fd.GetEffectiveUid())
                {
                    Fd.TryUnlink(path);
                }

                throw NoMailbox(pid);
            }

            if (e.Errno == Errno.EACCES || e.Errno == Errno.EPERM)
            {
                throw new NativeException("connect", e.Errno,
                    $"The mailbox of process {pid} belongs to user {UserNames.Lookup(uid)} and does not allow user "
                    + $"{UserNames.Lookup(Fd.GetEffectiveUid())}: that process must call Open-IpcMailbox -AllowUser "
                    + $"{UserNames.Lookup(Fd.GetEffectiveUid())}.");
            }

            throw;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static IpcProcessNotFoundException NoMailbox(int pid) =>
        new(pid, "NoMailbox", $"process {pid} has no PSIpc mailbox: it must call Open-IpcMailbox");

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        Deliver(payload, encoding, wait, waitForReceipt: false);

    DateTimeOffset IReceiptChannel.SendAndWaitForReceipt(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        Deliver(payload, encoding, wait, waitForReceipt: true)!.Value;

    private protected override RawMessage? ReceiveCore(in IpcWait wait) =>
        throw new InvalidOperationException("A link only sends; receive from your own mailbox (Open-IpcMailbox).");

    /// <summary>Sends one message, waiting as <paramref name="wait"/> says; with <paramref name="waitForReceipt"/> (or
    /// a -Capacity 0 mailbox) returns when the receipt came. Also what an envelope's MailboxSender sends through.</summary>
    internal DateTimeOffset? Deliver(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait, bool waitForReceipt)
    {
        bool rendezvous = waitForReceipt || _capacity == 0;
        bool flagged = rendezvous || _capacity is not null;
        if (_capacity == 0 && wait.NoWait)
        {
            throw new InvalidOperationException(
                $"Process {ProcessId}'s mailbox has -Capacity 0, so every send to it waits for the receiver: -NoWait cannot be used.");
        }

        int length = flagged ? DatagramCodec.ReceiptRequestLength(payload.Length) : DatagramCodec.WrappedLength(payload.Length, encoding);
        if (length > _maxDatagram)
        {
            throw new ArgumentException(
                $"The message is {length} bytes; a mailbox message holds at most {_maxDatagram}. Send large data through "
                + "shared memory or a stream socket, and its name by mailbox.");
        }

        lock (_sendLock)
        {
            ThrowIfClosed();
            DrainReceipts();
            while (_capacity is int n && n > 0 && _sequence - _receipted >= n)
            {
                if (wait.NoWait)
                {
                    throw new NativeException("send", Errno.EAGAIN,
                        $"Process {ProcessId} has not yet received the {n} messages its mailbox's -Capacity lets this "
                        + "process have waiting.");
                }

                WaitFor(Fd.POLLIN, wait, "SendTimeout", "did not receive enough of this process's messages to make room");
            }

            long sequence = flagged ? ++_sequence : 0;
            using (RentedDatagram datagram = flagged
                ? DatagramCodec.RentReceiptRequest(payload, encoding, sequence)
                : DatagramCodec.Rent(payload, encoding))
            {
                Transmit(datagram.Message, wait);
            }

            if (!rendezvous)
            {
                return null;
            }

            while (Volatile.Read(ref _receipted) < sequence)
            {
                WaitFor(Fd.POLLIN, wait, "ReceiptTimeout", "did not receive the message",
                    " The message stays in its mailbox until it receives it or closes the mailbox.");
            }

            return DateTimeOffset.Now;
        }
    }

    private void Transmit(ReadOnlySpan<byte> datagram, in IpcWait wait)
    {
        while (true)
        {
            bool sent;
            try
            {
                sent = Sockets.TrySendTo(_fd, datagram, null);
            }
            catch (NativeException e) when (e.Errno == Errno.ECONNREFUSED || e.Errno == Errno.ENOTCONN)
            {
                Dispose();
                throw new IpcProcessNotFoundException(ProcessId, "NoMailbox",
                    $"process {ProcessId} closed its PSIpc mailbox (or exited); it must call Open-IpcMailbox again");
            }

            if (sent)
            {
                return;
            }

            if (wait.NoWait)
            {
                throw new NativeException("send", Errno.EAGAIN,
                    $"The mailbox of process {ProcessId} is full ({IpcMailbox.KernelQueueLength} messages wait): it is not "
                    + "receiving as fast as messages come.");
            }

            WaitFor((short)(Fd.POLLOUT | Fd.POLLIN), wait, "SendTimeout", "did not make room in its mailbox (it is not receiving)");
        }
    }

    /// <summary>Waits a slice for the socket, takes the receipts that came, and fails when the receiver is gone or time is up.</summary>
    private void WaitFor(short events, in IpcWait wait, string timeoutId, string what, string more = "")
    {
        Deadline deadline = wait.Deadline;
        int left = deadline.RemainingMilliseconds();
        if (!deadline.IsInfinite && left == 0)
        {
            throw Timeout(timeoutId, what, more, deadline);
        }

        // Slices of at most half a second, so a receiver that dies is noticed and does not leave the sender waiting.
        Deadline slice = Deadline.After(TimeSpan.FromMilliseconds(deadline.IsInfinite ? 500 : Math.Min(left, 500)));
        bool sliceOver = false;
        try
        {
            _waiter.Wait(_fd, events, slice, wait.Cancel, ThrowIfClosed, () => new IpcTimeoutException(timeoutId, what));
        }
        catch (IpcTimeoutException)
        {
            sliceOver = true;
        }

        DrainReceipts();
        if (sliceOver && !Mailboxes.ProcessExists(ProcessId))
        {
            Dispose();
            throw new IpcProcessNotFoundException(ProcessId, "NoSuchProcess", $"process {ProcessId} exited before it received the message");
        }
    }

    private IpcTimeoutException Timeout(string id, string what, string more, Deadline deadline) =>
        new(id, $"Process {ProcessId} {what} within {deadline.Timeout}.{more} Check that it is running "
            + "Receive-IpcMessage, or raise -Timeout.");

    /// <summary>Takes every receipt waiting; each says up to which message the receiver has taken.</summary>
    private void DrainReceipts()
    {
        Span<byte> buffer = stackalloc byte[64];
        while (true)
        {
            int n;
            try
            {
                n = Sockets.TryReceiveFrom(_fd, buffer, out _);
            }
            catch (NativeException)
            {
                return;
            }

            if (n < 0)
            {
                return;
            }

            if (n <= buffer.Length && DatagramCodec.TryReadReceipt(buffer.Slice(0, n), out long sequence) && sequence > _receipted
                && sequence <= _sequence)
            {
                Volatile.Write(ref _receipted, sequence);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Links.TryRemove(new System.Collections.Generic.KeyValuePair<int, MailboxLink>(ProcessId, this));
            _waiter.Wake();
            _fd.Dispose();
            _waiter.Dispose();
        }
    }
}

/// <summary>
/// The sender of a message received in a mailbox, as a channel to answer on: sending to it goes by the sender's pid,
/// and only while that pid still names the same process (pidfd), so a later process with the pid gets nothing meant for the first.
/// </summary>
public sealed class MailboxSender : IpcChannel, IReceiptChannel
{
    private readonly DatagramCredentials _who;

    internal MailboxSender(DatagramCredentials who)
        : base(IpcFraming.Message)
    {
        _who = who;
        Name = "process " + who.ProcessId;
    }

    /// <inheritdoc/>
    public override string Kind => "Mailbox";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Write;

    /// <inheritdoc/>
    internal override PeerIdentity? Peer => new PeerIdentity(_who.ProcessId, _who.UserId, _who.GroupId);

    /// <inheritdoc/>
    public override IpcCapacity Capacity => Link().Capacity;

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities =>
        IpcChannelCapabilities.NoWaitSend | IpcChannelCapabilities.Receipts;

    private protected override void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        Link().Deliver(payload, encoding, wait, waitForReceipt: false);

    DateTimeOffset IReceiptChannel.SendAndWaitForReceipt(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait) =>
        Link().Deliver(payload, encoding, wait, waitForReceipt: true)!.Value;

    private protected override RawMessage? ReceiveCore(in IpcWait wait) =>
        throw new InvalidOperationException("Receive from your own mailbox, not from a sender.");

    private MailboxLink Link()
    {
        if (_who.ProcessInode != 0 && Mailboxes.ProcessInode(_who.ProcessId) != _who.ProcessInode)
        {
            throw new IpcProcessNotFoundException(_who.ProcessId, "NoSuchProcess",
                $"process {_who.ProcessId}, which sent the message, has exited (the pid may now be another process's)");
        }

        return MailboxLink.To(_who.ProcessId);
    }

    protected override void Dispose(bool disposing)
    {
    }
}

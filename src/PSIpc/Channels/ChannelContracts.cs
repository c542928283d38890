using System;
using System.Threading;

namespace PSIpc;

/// <summary>What a channel can do beyond sending and receiving plain messages; commands ask for these.</summary>
[Flags]
public enum IpcChannelCapabilities
{
    None = 0,

    /// <summary>Messages carry a type that receivers select by (System V queues): -Type.</summary>
    MessageTypes = 1,

    /// <summary>Messages carry a priority and the highest is received first (POSIX queues): -Priority.</summary>
    Priorities = 2,

    /// <summary>A send can fail at once when there is no room, instead of waiting: -NoWait on Send-IpcMessage.</summary>
    NoWaitSend = 4,

    /// <summary>Several messages go in one system call and the receiver sees no difference: -BatchSize.</summary>
    Batching = 8,

    /// <summary>Received envelopes name their sender, as a channel to reply on (Sender, SenderEndPoint).</summary>
    SenderIdentity = 16,

    /// <summary>A send can wait until the receiving PSIpc process has taken the message: -WaitForReceipt.</summary>
    Receipts = 32,

    /// <summary>Receives can take only the messages of one sending process: -FromProcessId.</summary>
    SenderSelection = 64,
}

/// <summary>How one send or receive waits: until the deadline, unless cancelled; not at all with NoWait.</summary>
internal readonly record struct IpcWait(Deadline Deadline, CancellationToken Cancel, bool NoWait = false)
{
    /// <summary>No wait at all: take what is there now.</summary>
    public static IpcWait Now => new(Deadline.Infinite, CancellationToken.None, NoWait: true);
}

/// <summary>What Send-IpcMessage can ask for beyond the message; each option needs its capability.</summary>
internal readonly record struct SendOptions(long? Type = null, int? Priority = null, bool NoWait = false, bool WaitForReceipt = false);

/// <summary>What Receive-IpcMessage can ask for: a System V type selector (msgrcv's msgtyp), one sending process, and no waiting.</summary>
internal readonly record struct ReceiveOptions(long? Type = null, bool NoWait = false, int? FromProcessId = null);

/// <summary>The peer process of a connection, as the kernel tells it (never as the peer claims).</summary>
internal readonly record struct PeerIdentity(int ProcessId, uint UserId, uint GroupId);

/// <summary>
/// One received payload before decoding. <see cref="Payload"/> may be longer than <see cref="Length"/>; it belongs to
/// this message alone (never a buffer the channel reuses), so a Bytes body may be the array itself. <see
/// cref="Receipt"/>, when set, tells the sender that the message was taken; Receive runs it once the message is.
/// </summary>
internal readonly record struct RawMessage(
    byte[] Payload, int Length, IpcEncoding Encoding, long? Type = null, int? Priority = null, IpcChannel? Sender = null)
{
    public Action? Receipt { get; init; }

    /// <summary>A kernel datagram without the PSIpc header (from C, Python, a shell tool, or a Text or Bytes send):
    /// decoded as anything but Bytes, its trailing NUL padding is dropped.</summary>
    public bool Bare { get; init; }
}

/// <summary>The capability <see cref="IpcChannelCapabilities.Receipts"/>: sends that wait until the receiver took the message.</summary>
internal interface IReceiptChannel
{
    /// <summary>Sends one message and waits for its receipt; returns when the receipt arrived.</summary>
    DateTimeOffset SendAndWaitForReceipt(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait);
}

/// <summary>The capability <see cref="IpcChannelCapabilities.SenderSelection"/>: receives from one process only.</summary>
internal interface ISenderSelectingChannel
{
    /// <summary>The first waiting message that process <paramref name="processId"/> sent; others stay, in order, for later.</summary>
    RawMessage? ReceiveFrom(int processId, in IpcWait wait);
}

/// <summary>The capability <see cref="IpcChannelCapabilities.MessageTypes"/>: messages with a System V type.</summary>
internal interface ITypedChannel
{
    /// <summary>Sends one message of <paramref name="type"/> (1 or more).</summary>
    void SendTyped(ReadOnlySpan<byte> payload, IpcEncoding encoding, long type, in IpcWait wait);

    /// <summary>Receives the message msgrcv's <paramref name="selector"/> picks: 0 the first, n the first of
    /// type n, -n the lowest up to n.</summary>
    RawMessage? ReceiveTyped(long selector, in IpcWait wait);
}

/// <summary>The capability <see cref="IpcChannelCapabilities.Priorities"/>: messages with a priority.</summary>
internal interface IPrioritizedChannel
{
    /// <summary>Sends one message with <paramref name="priority"/>.</summary>
    void SendPrioritized(ReadOnlySpan<byte> payload, IpcEncoding encoding, int priority, in IpcWait wait);
}

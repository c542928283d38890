using System;

namespace PSIpc;

/// <summary>A received (or sent) message with what is known about it: the envelope that -AsEnvelope emits.</summary>
public sealed class IpcMessage
{
    public IpcMessage(object? body, int length, IpcEncoding encoding, IpcChannel channel, long? type = null, int? priority = null)
    {
        Type = type;
        Priority = priority;
        Body = body;
        Length = length;
        Encoding = encoding;
        Channel = channel;
        _utcTicks = DateTime.UtcNow.Ticks;
    }

    // The clock is read as UTC on every message and turned into local time only when asked: DateTimeOffset.Now's time
    // zone lookup cost about 10 ns of a 125 ns small receive (PSIpc.Bench inprocess, receive alone).
    private readonly long _utcTicks;

    /// <summary>The decoded body: a deserialized object, a string, or byte[].</summary>
    public object? Body { get; }

    /// <summary>The payload's length in bytes, without framing.</summary>
    public int Length { get; }

    /// <summary>The encoding the payload was decoded with.</summary>
    public IpcEncoding Encoding { get; }

    /// <summary>When this process sent or received it, in local time.</summary>
    public DateTimeOffset Timestamp => new DateTimeOffset(_utcTicks, TimeSpan.Zero).ToLocalTime();

    /// <summary>Sent with -WaitForReceipt: when the receipt came back, that is when the receiver had taken the message.</summary>
    public DateTimeOffset? ReceiptTime { get; init; }

    /// <summary>The System V message type (mtype); null for other channels.</summary>
    public long? Type { get; }

    /// <summary>The POSIX message queue priority; null for other channels.</summary>
    public int? Priority { get; }

    /// <summary>Who sent it, as a channel to reply on: the client's connection on a socket server, the sender's
    /// address on UDP; null elsewhere.</summary>
    public IpcChannel? Sender { get; init; }

    /// <summary>The sender's address: the client's address on TCP, the datagram's source on UDP; null elsewhere.</summary>
    public string? SenderEndPoint => Sender?.RemoteEndPoint;

    /// <summary>Unix sockets and mailboxes: the sender's process id, as the kernel tells it (SO_PEERCRED,
    /// SCM_CREDENTIALS); null elsewhere.</summary>
    public int? SenderProcessId => Sender?.Peer?.ProcessId;

    /// <summary>Unix sockets: the sending client's user id.</summary>
    public uint? SenderUserId => Sender?.Peer?.UserId;

    /// <summary>Unix sockets: the sending client's group id.</summary>
    public uint? SenderGroupId => Sender?.Peer?.GroupId;

    /// <summary>The channel it came from or went to.</summary>
    public IpcChannel Channel { get; }

    public override string ToString() => Body?.ToString() ?? string.Empty;
}

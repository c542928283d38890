using System;
using System.Collections.Generic;
using System.Threading;

namespace PSIpc;

/// <summary>
/// Anything that carries messages: pipe ends, FIFO ends, and later queues, sockets and shared-memory rings.
/// Send and Receive work from script and from .NET; Dispose closes the channel.
/// </summary>
public abstract class IpcChannel : IDisposable
{
    private long _sent;
    private long _received;
    private int _disposed;

    protected IpcChannel(IpcFraming framing)
    {
        Framing = framing;
    }

    /// <summary>The mechanism behind the channel.</summary>
    public abstract IpcChannelKind Kind { get; }

    /// <summary>A name that identifies the channel, such as <c>pipe:[81234]</c>; null where the channel has a Path instead.</summary>
    public string? Name { get; protected set; }

    /// <summary>The file-system path of the channel, for FIFOs and socket files.</summary>
    public string? Path { get; protected set; }

    /// <summary>Which way this end carries messages.</summary>
    public abstract IpcDirection Direction { get; }

    /// <summary>How messages are delimited.</summary>
    public IpcFraming Framing { get; }

    /// <summary>False once the channel was closed.</summary>
    public bool IsOpen => Volatile.Read(ref _disposed) == 0;

    /// <summary>Messages sent through this end.</summary>
    public long MessagesSent => Interlocked.Read(ref _sent);

    /// <summary>Messages received from this end.</summary>
    public long MessagesReceived => Interlocked.Read(ref _received);

    /// <summary>The largest payload Receive accepts, and Send sends, in bytes (64 MiB unless set).</summary>
    public int MaxMessageSize { get; set; } = Frame.DefaultMaxPayload;

    /// <summary>Sends one message. The encoding defaults to CliXml on Message framing and Text otherwise.</summary>
    /// <returns>The envelope of what was sent.</returns>
    public IpcMessage Send(object? body, IpcEncoding? encoding = null, int depth = 2, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Send(body, encoding, depth, default, timeout, cancellationToken);

    /// <summary>Sends bytes that are already encoded, without copying them into a new array.</summary>
    public void SendPayload(ReadOnlySpan<byte> payload, IpcEncoding encoding, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, default, timeout, cancellationToken);

    /// <summary>Sends one message with queue options (type, priority, no-wait); false when NoWait found no room.</summary>
    internal IpcMessage Send(object? body, IpcEncoding? encoding, int depth, MessageOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        (byte[] payload, IpcEncoding enc) = EncodeForSend(body, encoding, depth);
        SendPayload(payload, enc, options, timeout, cancellationToken);
        return new IpcMessage(body, payload.Length, enc, this, options.Type == 0 ? null : options.Type, options.Priority);
    }

    internal void SendPayload(ReadOnlySpan<byte> payload, IpcEncoding encoding, MessageOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        CheckSendable(payload.Length);
        SendCore(payload, encoding, options, Deadline.After(timeout), cancellationToken);
        Interlocked.Increment(ref _sent);
    }

    /// <summary>
    /// Encodes a message for <see cref="SendBatch"/> without sending it; throws ArgumentException, as Send does, when
    /// the body cannot go on this channel.
    /// </summary>
    internal (byte[] Payload, IpcEncoding Encoding) EncodeForSend(object? body, IpcEncoding? encoding, int depth)
    {
        IpcEncoding enc = encoding ?? MessageCodec.DefaultFor(Framing, body);
        CheckEncodingForSend(enc);
        byte[] payload = MessageCodec.Encode(body, enc, depth);
        CheckSize(payload.Length);
        return (payload, enc);
    }

    /// <summary>
    /// Sends several encoded messages at once: stream channels write all their frames with one system call, other
    /// channels send them one by one. Each message keeps its own frame, so the receiver sees no difference.
    /// </summary>
    internal void SendBatch(IReadOnlyList<(byte[] Payload, IpcEncoding Encoding)> messages, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        CheckSendable(0);
        SendBatchCore(messages, Deadline.After(timeout), cancellationToken);
        Interlocked.Add(ref _sent, messages.Count);
    }

    private protected virtual void SendBatchCore(IReadOnlyList<(byte[] Payload, IpcEncoding Encoding)> messages, Deadline deadline, CancellationToken cancellationToken)
    {
        foreach ((byte[] payload, IpcEncoding encoding) in messages)
        {
            SendCore(payload, encoding, default, deadline, cancellationToken);
        }
    }

    private void CheckSendable(int length)
    {
        ThrowIfClosed();
        if (Direction == IpcDirection.Read)
        {
            throw new InvalidOperationException($"This {Kind} end was opened for reading; it cannot send.");
        }

        CheckSize(length);
    }

    private void CheckSize(int length)
    {
        if (length > MaxMessageSize)
        {
            throw new ArgumentException($"The message is {length} bytes, more than this channel's limit of {MaxMessageSize} bytes (MaxMessageSize).");
        }
    }

    /// <summary>
    /// Receives one message; null at end of stream (the peer closed and nothing is left).
    /// <paramref name="encoding"/> chooses how to decode Line and Raw data (Text unless set), and on Message framing
    /// Bytes or Text return the payload undecoded.
    /// </summary>
    public IpcMessage? Receive(TimeSpan? timeout = null, IpcEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        Receive(timeout, encoding, default, cancellationToken);

    /// <summary>Receives with queue options (System V type selection, no-wait); null at end of stream or when NoWait finds nothing.</summary>
    internal IpcMessage? Receive(TimeSpan? timeout, IpcEncoding? encoding, MessageOptions options, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (Direction == IpcDirection.Write)
        {
            throw new InvalidOperationException($"This {Kind} end was opened for writing; it cannot receive.");
        }

        RawMessage? raw = ReceiveCore(options, Deadline.After(timeout), cancellationToken);
        if (raw is null)
        {
            return null;
        }

        IpcEncoding enc = raw.Value.Encoding;
        if (encoding is { } asked && (Framing != IpcFraming.Message || asked is IpcEncoding.Bytes or IpcEncoding.Text))
        {
            enc = asked;
        }

        Interlocked.Increment(ref _received);
        ReadOnlySpan<byte> payload = raw.Value.Payload.AsSpan(0, raw.Value.Length);
        object? body;
        try
        {
            body = MessageCodec.Decode(payload, enc);
        }
        catch (Exception e) when (e is IpcProtocolException or ArgumentException or FormatException or InvalidOperationException or System.Xml.XmlException)
        {
            // A whole message whose payload cannot be decoded is that message's problem, not the channel's.
            string id = (e as IpcProtocolException)?.ErrorId ?? (enc == IpcEncoding.Json ? "JsonInvalid" : enc == IpcEncoding.CliXml ? "CliXmlInvalid" : "PayloadInvalid");
            string from = raw.Value.Sender is IpcChannel sender ? $" from {sender}" : string.Empty;
            var error = new IpcPayloadException(id, $"A {enc} message of {raw.Value.Length} bytes{from} could not be decoded and was discarded: {e.Message}", e);
            throw OnUndecodable(raw.Value, error);
        }

        return new IpcMessage(body, raw.Value.Length, enc, this, raw.Value.Type, raw.Value.Priority) { Sender = raw.Value.Sender };
    }

    /// <summary>Warnings the channel noted while receiving (such as refused peers), for the receiving cmdlet to write; each is taken once.</summary>
    internal IReadOnlyList<string> TakeReceiveWarnings() => TakeWarnings();

    private protected virtual IReadOnlyList<string> TakeWarnings() => Array.Empty<string>();

    /// <summary>What Receive throws for a message that could not be decoded (a server names and drops the client that sent it).</summary>
    private protected virtual Exception OnUndecodable(RawMessage raw, IpcPayloadException error) => error;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Dispose(true);
            GC.SuppressFinalize(this);
            ChannelRegistry.Forget(this);
        }
    }

    public override string ToString() => $"{Kind} {Path ?? Name} ({Direction}, {Framing}{(IsOpen ? string.Empty : ", closed")})";

    /// <summary>Writes one message's payload, framed as the channel's Framing says.</summary>
    private protected abstract void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, MessageOptions options, Deadline deadline, CancellationToken cancellationToken);

    /// <summary>Reads one message's payload; null at end of stream.</summary>
    private protected abstract RawMessage? ReceiveCore(MessageOptions options, Deadline deadline, CancellationToken cancellationToken);

    protected abstract void Dispose(bool disposing);

    protected void ThrowIfClosed()
    {
        if (!IsOpen)
        {
            throw new ObjectDisposedException(ToString(), $"The {Kind} channel {Path ?? Name} is closed.");
        }
    }

    private void CheckEncodingForSend(IpcEncoding encoding)
    {
        if (Framing == IpcFraming.Line && encoding is IpcEncoding.CliXml or IpcEncoding.Bytes)
        {
            throw new ArgumentException($"A channel with Line framing carries text lines; {encoding} cannot be sent on it. Use -Encoding Text or Json, or open the channel with -Framing Message.");
        }

        if (Framing == IpcFraming.Raw && encoding is IpcEncoding.CliXml)
        {
            throw new ArgumentException("A channel with Raw framing has no message boundaries, so CliXml cannot be read back from it. Use -Encoding Bytes, Text or Json, or -Framing Message.");
        }
    }
}

/// <summary>One received payload before decoding. <see cref="Payload"/> may be longer than <see cref="Length"/>.</summary>
internal readonly record struct RawMessage(byte[] Payload, int Length, IpcEncoding Encoding, long? Type = null, int? Priority = null, IpcChannel? Sender = null);

/// <summary>
/// What a queue message carries besides its body, and how to wait: the System V type (send: the mtype, at least 1;
/// receive: msgrcv's msgtyp), the POSIX priority, and NoWait (fail or return nothing at once instead of waiting).
/// </summary>
internal readonly record struct MessageOptions(long Type, int? Priority, bool NoWait);

using System;
using System.Collections.Generic;
using System.Threading;

namespace PSIpc;

/// <summary>
/// Anything that carries messages: pipe and FIFO ends, queues, sockets, shared-memory rings. Send and Receive work from
/// script and from .NET; Dispose closes the channel. What a channel can do beyond plain messages it declares in
/// <see cref="Capabilities"/>, and the commands ask for that instead of testing for a type.
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

    /// <summary>The mechanism behind the channel, such as Pipe, Fifo, MessageQueue, Ring or Socket.</summary>
    public abstract string Kind { get; }

    /// <summary>What the channel can do beyond plain messages (message types, priorities, batching...).</summary>
    public IpcChannelCapabilities Capabilities =>
        (this is ITypedChannel ? IpcChannelCapabilities.MessageTypes : 0)
        | (this is IPrioritizedChannel ? IpcChannelCapabilities.Priorities : 0)
        | (this is ISenderSelectingChannel ? IpcChannelCapabilities.SenderSelection : 0)
        | ExtraCapabilities;

    /// <summary>
    /// How much the channel holds before a send waits: messages, bytes, both, or Unbounded. A full channel makes Send
    /// wait up to -Timeout, or fail at once with -NoWait where the channel has NoWaitSend.
    /// </summary>
    public abstract IpcCapacity Capacity { get; }

    /// <summary>The sender's address on a socket (the client's address, a datagram's source); null elsewhere.</summary>
    public virtual string? RemoteEndPoint => null;

    /// <summary>The peer process as the kernel tells it (SO_PEERCRED), for channels that know it; null elsewhere.</summary>
    internal virtual PeerIdentity? Peer => null;

    /// <summary>The capabilities that no interface shows: no-wait sends, batching, sender identity.</summary>
    private protected virtual IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.None;

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

    /// <summary>Counts messages a channel's own fast paths (such as IpcRing.ReceiveInPlace) sent or received.</summary>
    private protected void CountSent(int count) => Interlocked.Add(ref _sent, count);

    private protected void CountReceived() => Interlocked.Increment(ref _received);

    /// <summary>The largest payload Receive accepts, and Send sends, in bytes (64 MiB unless set).</summary>
    public int MaxMessageSize { get; set; } = Frame.DefaultMaxPayload;

    /// <summary>The channel to process <paramref name="processId"/>'s mailbox (direct communication), made on first use and kept.</summary>
    internal static IpcChannel ToProcess(int processId) => MailboxLink.To(processId);

    /// <summary>Sends one message. The encoding defaults to CliXml on Message framing and Text otherwise.</summary>
    /// <returns>The envelope of what was sent.</returns>
    public IpcMessage Send(
        object? body,
        IpcEncoding? encoding = null,
        int depth = 2,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        Send(body, encoding, depth, default, timeout, cancellationToken);

    /// <summary>Sends bytes that are already encoded, without copying them into a new array.</summary>
    public void SendPayload(
        ReadOnlySpan<byte> payload, IpcEncoding encoding, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, default, timeout, cancellationToken);

    /// <summary>
    /// Sends encoded bytes and waits until the receiving PSIpc process has taken them (channels with <see
    /// cref="IpcChannelCapabilities.Receipts"/>); returns when the receipt arrived.
    /// </summary>
    public DateTimeOffset SendPayloadAndWaitForReceipt(
        ReadOnlySpan<byte> payload, IpcEncoding encoding, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendPayload(payload, encoding, new SendOptions(WaitForReceipt: true), timeout, cancellationToken)!.Value;

    /// <summary>Sends one message with the options its capabilities allow (type, priority, no-wait).</summary>
    internal IpcMessage Send(
        object? body, IpcEncoding? encoding, int depth, SendOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        (byte[] payload, IpcEncoding enc) = EncodeForSend(body, encoding, depth);
        DateTimeOffset? receipt = SendPayload(payload, enc, options, timeout, cancellationToken);
        return new IpcMessage(body, payload.Length, enc, this, options.Type, options.Priority) { ReceiptTime = receipt };
    }

    /// <summary>Sends with options; returns when the receipt arrived with <see cref="SendOptions.WaitForReceipt"/>,
    /// null otherwise.</summary>
    internal DateTimeOffset? SendPayload(
        ReadOnlySpan<byte> payload, IpcEncoding encoding, SendOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        CheckSendable(payload.Length);
        var wait = new IpcWait(Deadline.After(timeout), cancellationToken, options.NoWait);
        DateTimeOffset? receipt = null;
        if (options.WaitForReceipt)
        {
            Require(IpcChannelCapabilities.Receipts, "-WaitForReceipt");
            if (options.Type is not null || options.Priority is not null || options.NoWait)
            {
                throw new ArgumentException(
                    "-WaitForReceipt goes with no -Type, -Priority or -NoWait: a send that waits for its receipt cannot "
                    + "also refuse to wait. Leave one of them out.");
            }

            receipt = ((IReceiptChannel)this).SendAndWaitForReceipt(payload, encoding, wait);
        }
        else if (options.Type is long type)
        {
            Require(IpcChannelCapabilities.MessageTypes, "-Type");
            ((ITypedChannel)this).SendTyped(payload, encoding, type, wait);
        }
        else if (options.Priority is int priority)
        {
            Require(IpcChannelCapabilities.Priorities, "-Priority");
            ((IPrioritizedChannel)this).SendPrioritized(payload, encoding, priority, wait);
        }
        else
        {
            if (options.NoWait)
            {
                Require(IpcChannelCapabilities.NoWaitSend, "-NoWait");
            }

            SendCore(payload, encoding, wait);
        }

        Interlocked.Increment(ref _sent);
        return receipt;
    }

    /// <summary>
    /// The problem with using <paramref name="parameter"/>, which needs <paramref name="needed"/>, on this channel; null
    /// when the channel has it. Commands ask before they start, so an option never goes silently unused.
    /// </summary>
    internal string? OptionProblem(IpcChannelCapabilities needed, string parameter) =>
        (Capabilities & needed) == needed
            ? null
            : $"{parameter} needs a channel with {needed} in its Capabilities; {this} is a {Kind} with "
                + $"{Capabilities}. Leave {parameter} out.";

    private void Require(IpcChannelCapabilities needed, string parameter)
    {
        if (OptionProblem(needed, parameter) is string problem)
        {
            throw new ArgumentException(problem);
        }
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
    internal void SendBatch(
        IReadOnlyList<(byte[] Payload, IpcEncoding Encoding)> messages, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        CheckSendable(0);
        SendBatchCore(messages, new IpcWait(Deadline.After(timeout), cancellationToken));
        Interlocked.Add(ref _sent, messages.Count);
    }

    /// <summary>Writes several messages; channels with <see cref="IpcChannelCapabilities.Batching"/> do it in one call.</summary>
    private protected virtual void SendBatchCore(IReadOnlyList<(byte[] Payload, IpcEncoding Encoding)> messages, in IpcWait wait)
    {
        foreach ((byte[] payload, IpcEncoding encoding) in messages)
        {
            SendCore(payload, encoding, wait);
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
            throw new ArgumentException(
                $"The message is {length} bytes, more than this channel's limit of {MaxMessageSize} bytes (MaxMessageSize).");
        }
    }

    /// <summary>
    /// Receives one message; null at end of stream (the peer closed and nothing is left).
    /// <paramref name="encoding"/> chooses how to decode Line and Raw data (Text unless set), and on Message framing
    /// Bytes or Text return the payload undecoded.
    /// </summary>
    public IpcMessage? Receive(TimeSpan? timeout = null, IpcEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        Receive(timeout, encoding, default, cancellationToken);

    /// <summary>Receives with options (System V type selection, no-wait); null at end of stream or when NoWait finds nothing.</summary>
    internal IpcMessage? Receive(TimeSpan? timeout, IpcEncoding? encoding, ReceiveOptions options, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (Direction == IpcDirection.Write)
        {
            throw new InvalidOperationException($"This {Kind} end was opened for writing; it cannot receive.");
        }

        var wait = new IpcWait(Deadline.After(timeout), cancellationToken, options.NoWait);
        RawMessage? raw;
        if (options.Type is long selector)
        {
            Require(IpcChannelCapabilities.MessageTypes, "-Type");
            raw = ((ITypedChannel)this).ReceiveTyped(selector, wait);
        }
        else if (options.FromProcessId is int sender)
        {
            Require(IpcChannelCapabilities.SenderSelection, "-FromProcessId");
            raw = ((ISenderSelectingChannel)this).ReceiveFrom(sender, wait);
        }
        else
        {
            raw = ReceiveCore(wait);
        }

        if (raw is null)
        {
            return null;
        }

        // The message is taken: a sender waiting for it (-WaitForReceipt, a bounded mailbox) may go on.
        raw.Value.Receipt?.Invoke();
        IpcEncoding enc = raw.Value.Encoding;
        if (encoding is { } asked && (Framing != IpcFraming.Message || asked is IpcEncoding.Bytes or IpcEncoding.Text))
        {
            enc = asked;
        }

        Interlocked.Increment(ref _received);
        ReadOnlySpan<byte> payload = raw.Value.Payload.AsSpan(0, raw.Value.Length);
        if (raw.Value.Bare && enc != IpcEncoding.Bytes)
        {
            payload = payload.Slice(0, DatagramCodec.WithoutPadding(payload));
        }

        object? body;
        try
        {
            // A payload array of exactly the message's length is the message's own (RawMessage): Bytes hands it out as it is.
            body = enc == IpcEncoding.Bytes && raw.Value.Payload.Length == payload.Length
                ? raw.Value.Payload
                : MessageCodec.Decode(payload, enc);
        }
        catch (Exception e) when (MessageCodec.IsDecodeFailure(e))
        {
            // A whole message whose payload cannot be decoded is that message's problem, not the channel's.
            throw OnUndecodable(raw.Value, IpcPayloadException.ForMessage(e, enc, payload.Length, raw.Value.Sender));
        }

        return new IpcMessage(body, payload.Length, enc, this, raw.Value.Type, raw.Value.Priority) { Sender = raw.Value.Sender };
    }

    /// <summary>Warnings the channel noted while receiving (such as refused peers), for the cmdlet to write; each is taken once.</summary>
    internal virtual IReadOnlyList<string> TakeWarnings() => Array.Empty<string>();

    /// <summary>What Receive throws for a message that could not be decoded (a server names and drops the client that sent it).</summary>
    private protected virtual Exception OnUndecodable(RawMessage raw, IpcPayloadException error) => error;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Dispose(true);
            GC.SuppressFinalize(this);
            OpenResources.Forget(this);
        }
    }

    public override string ToString() => $"{Kind} {Path ?? Name} ({Direction}, {Framing}{(IsOpen ? string.Empty : ", closed")})";

    /// <summary>Writes one message's payload, framed as the channel's Framing says.</summary>
    private protected abstract void SendCore(ReadOnlySpan<byte> payload, IpcEncoding encoding, in IpcWait wait);

    /// <summary>Reads one message's payload; null at end of stream, or when <see cref="IpcWait.NoWait"/> found none.</summary>
    private protected abstract RawMessage? ReceiveCore(in IpcWait wait);

    protected abstract void Dispose(bool disposing);

    /// <summary>Asks the kernel for the channel's bound; <see cref="IpcCapacity.Closed"/> once the channel is closed.</summary>
    private protected IpcCapacity MeasureCapacity(Func<IpcCapacity> measure)
    {
        try
        {
            return IsOpen ? measure() : IpcCapacity.Closed;
        }
        catch (Exception e) when (e is ObjectDisposedException or NativeException)
        {
            return IpcCapacity.Closed;
        }
    }

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
            throw new ArgumentException(
                $"A channel with Line framing carries text lines; {encoding} cannot be sent on it. "
                + "Use -Encoding Text or Json, or open the channel with -Framing Message.");
        }

        if (Framing == IpcFraming.Raw && encoding is IpcEncoding.CliXml)
        {
            throw new ArgumentException(
                "A channel with Raw framing has no message boundaries, so CliXml cannot be read back from it. "
                + "Use -Encoding Bytes, Text or Json, or -Framing Message.");
        }
    }
}

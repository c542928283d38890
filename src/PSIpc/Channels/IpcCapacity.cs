using System.Globalization;

namespace PSIpc;

/// <summary>
/// How much a channel holds before a send waits (its buffering, in the textbooks' terms): zero (every send waits for
/// the receiver), bounded in messages and/or bytes, or unbounded. <see cref="Source"/> says what sets the bound.
/// </summary>
public sealed class IpcCapacity
{
    private readonly bool _known = true;

    private IpcCapacity(long? messages, long? bytes, string source, bool known = true)
    {
        _known = known;
        Messages = messages;
        Bytes = bytes;
        Source = source;
    }

    /// <summary>The most messages the channel holds; null when it is not bounded in messages.</summary>
    public long? Messages { get; }

    /// <summary>The most bytes the channel holds; null when it is not bounded in bytes.</summary>
    public long? Bytes { get; }

    /// <summary>What sets the bound, such as the pipe buffer (F_GETPIPE_SZ) or the queue's msg_qbytes.</summary>
    public string Source { get; }

    /// <summary>True when nothing bounds the channel, so a send never waits for room.</summary>
    public bool IsUnbounded => _known && Messages is null && Bytes is null;

    /// <summary>True for zero capacity: every send waits until the receiver has taken the message (rendezvous).</summary>
    public bool IsZero => Messages == 0;

    internal static IpcCapacity OfMessages(long messages, string source) => new(messages, null, source);

    internal static IpcCapacity OfBytes(long bytes, string source) => new(null, bytes, source);

    internal static IpcCapacity Of(long messages, long bytes, string source) => new(messages, bytes, source);

    internal static IpcCapacity Unbounded(string source) => new(null, null, source);

    /// <summary>What a closed channel shows: its bound can no longer be asked.</summary>
    internal static IpcCapacity Closed { get; } = new(null, null, "the channel is closed", known: false);

    public override string ToString()
    {
        if (!_known)
        {
            return "(closed)";
        }

        if (IsZero)
        {
            return "0 (rendezvous)";
        }

        string text = (Messages, Bytes) switch
        {
            (long m, long b) => string.Create(CultureInfo.InvariantCulture, $"{m} messages, {b} bytes"),
            (long m, null) => string.Create(CultureInfo.InvariantCulture, $"{m} messages"),
            (null, long b) => string.Create(CultureInfo.InvariantCulture, $"{b} bytes"),
            _ => "Unbounded",
        };
        return text;
    }
}

using System;
using System.Globalization;
using System.IO;

namespace PSIpc;

/// <summary>Which kernel facility a message queue is.</summary>
public enum IpcQueueKind
{
    SystemV,
    Posix,
}

/// <summary>
/// A message queue: a mailbox several processes send to and receive from; a message, once received, is gone. One Send
/// is one kernel message. Text and Bytes messages are just their bytes, so C programs and other languages read them
/// as written; CliXml and Json messages carry the 8-byte PSIpc header so PSIpc peers decode them without being told.
/// </summary>
public abstract class IpcMessageQueue : IpcChannel
{
    private protected IpcMessageQueue()
        : base(IpcFraming.Message)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "MessageQueue";

    /// <inheritdoc/>
    public override IpcDirection Direction => IpcDirection.Both;

    /// <inheritdoc/>
    private protected override IpcChannelCapabilities ExtraCapabilities => IpcChannelCapabilities.NoWaitSend;

    /// <summary>System V or POSIX.</summary>
    public abstract IpcQueueKind QueueKind { get; }

    /// <summary>The owner's user name.</summary>
    public abstract string Owner { get; }

    /// <summary>The permission bits in octal, such as 0600.</summary>
    public abstract string Mode { get; }

    /// <summary>Messages waiting in the queue now.</summary>
    public abstract long MessageCount { get; }

    /// <summary>How the queue is named to a user: "System V queue 5 (key 0x0000162e)" or "POSIX queue /jobs".</summary>
    internal abstract string Description { get; }

    /// <summary>Removes the queue from the system (IPC_RMID or mq_unlink) and closes this channel.</summary>
    public abstract void Remove();

    /// <summary>A number from a /proc/sys file, or <paramref name="fallback"/> when it cannot be read.</summary>
    private protected static long ReadProcNumber(string path, long fallback)
    {
        try
        {
            return long.Parse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return fallback;
        }
    }
}

using System;
using System.Globalization;

namespace PSIpc;

/// <summary>
/// An IPC object that exists on the machine, whoever made it, as Get-IpcObject lists it (like ipcs -a). Each kind of
/// object is found by the <see cref="IpcObjectSource"/> in its mechanism's folder, which also removes it.
/// </summary>
public sealed class IpcObject
{
    private readonly IpcObjectSource _source;

    internal IpcObject(IpcObjectSource source, string kind, string facility)
    {
        _source = source;
        Kind = kind;
        Facility = facility;
    }

    /// <summary>MessageQueue, SharedMemory, Semaphore, FileLock, Fifo, Socket...</summary>
    public string Kind { get; }

    /// <summary>SystemV or Posix; for file locks FLOCK, POSIX or OFDLCK.</summary>
    public string Facility { get; internal init; }

    /// <summary>System V: the key (0 for private).</summary>
    public int? Key { get; internal init; }

    /// <summary>System V: the id (msqid, shmid, semid).</summary>
    public int? Id { get; internal init; }

    /// <summary>POSIX: the name, such as /jobs.</summary>
    public string? Name { get; internal init; }

    /// <summary>POSIX: the file that shows it.</summary>
    public string? Path { get; internal init; }

    public string Owner { get; internal init; } = string.Empty;

    public uint OwnerId { get; internal init; }

    /// <summary>The permission bits in octal.</summary>
    public string Mode { get; internal init; } = string.Empty;

    /// <summary>Bytes: a segment's or object's size, a queue's bytes in use.</summary>
    public long? Size { get; internal init; }

    /// <summary>Messages in a queue, attachments of a segment, semaphores in a set.</summary>
    public long? Count { get; internal init; }

    /// <summary>System V: the creator's process (segments).</summary>
    public int? CreatorProcessId { get; internal init; }

    /// <summary>System V: the last sender (queues) or the last to attach (segments).</summary>
    public int? LastProcessId { get; internal init; }

    /// <summary>System V queues: the last receiver.</summary>
    public int? LastReceiverProcessId { get; internal init; }

    /// <summary>The last change (System V ctime; POSIX file change time).</summary>
    public DateTimeOffset? Changed { get; internal init; }

    /// <summary>File locks: the process that holds the lock, or waits for it (-1 for open-file-description
    /// locks, whose owner the kernel does not show).</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>File locks: that process's name.</summary>
    public string? ProcessName { get; internal init; }

    /// <summary>File locks: READ (shared) or WRITE (exclusive).</summary>
    public string? Access { get; internal init; }

    /// <summary>File locks: the byte range, such as 0-EOF.</summary>
    public string? Range { get; internal init; }

    /// <summary>File locks: true for a process blocked waiting for the lock above it (a "->" line in /proc/locks).</summary>
    public bool Waiting { get; internal init; }

    /// <summary>File locks: the lock's number in /proc/locks; waiters share the number of the lock they wait for.</summary>
    public int? LockNumber { get; internal init; }

    /// <summary>System V semaphore sets: processes blocked until a semaphore's value rises (semncnt, summed
    /// over the set); null when the set cannot be read.</summary>
    public long? WaitingForIncrease { get; internal init; }

    /// <summary>System V semaphore sets: processes blocked until a semaphore's value is zero (semzcnt, summed over the set).</summary>
    public long? WaitingForZero { get; internal init; }

    /// <summary>The key as ipcs prints it.</summary>
    public string? KeyHex => Key is int k ? "0x" + k.ToString("x8", CultureInfo.InvariantCulture) : null;

    /// <summary>False for what only its holder can end (a file lock).</summary>
    public bool CanRemove => _source.CanRemove;

    /// <summary>How <see cref="ToString"/> names the object, where its source says more than the default.</summary>
    internal string? Label { get; init; }

    /// <summary>What identifies the object in a table: the id, the name, or for a lock its holder and range.</summary>
    public string? Identity => IdentityText ?? Id?.ToString(CultureInfo.InvariantCulture) ?? Name;

    /// <summary>The identity a source gives where the id or name would not do (file locks).</summary>
    internal string? IdentityText { get; init; }

    /// <summary>Removes the object, as ipcrm does (IPC_RMID, mq_unlink, shm_unlink, sem_unlink, unlink).</summary>
    public void Remove() => _source.Remove(this);

    public override string ToString() =>
        Label ?? (Id is int id ? $"{Facility} {Kind} {id} (key {KeyHex})" : $"{Facility} {Kind} {Name}");
}

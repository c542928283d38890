using System;
using System.Globalization;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// An anonymous pipe. With Direction Both, both ends stay in this process (Send writes, Receive reads). With Read or
/// Write, this process keeps that end and <see cref="ClientHandle"/> names the other end for a child process, which
/// inherits it and opens it with <c>Connect-IpcPipe -Handle</c> (or reads it as a descriptor number, from C or bash).
/// </summary>
public sealed class IpcPipe : StreamChannel
{
    private const int InSessionBufferSize = 1024 * 1024;

    private SafeFd? _client;

    private IpcPipe(SafeFd? readFd, SafeFd? writeFd, SafeFd? client, IpcFraming framing, ulong inode)
        : base(readFd, writeFd, framing)
    {
        _client = client;
        Inode = inode;
        Name = "pipe:[" + inode.ToString(CultureInfo.InvariantCulture) + "]";
    }

    /// <inheritdoc/>
    public override string Kind => "Pipe";

    /// <summary>PIPE_BUF: writes up to this size are never interleaved with other writers' (pipe(7)).</summary>
    private protected override int AtomicWriteLimit => Fd.PipeBuf;

    /// <summary>The pipe's inode, as /proc/PID/fd shows it.</summary>
    public ulong Inode { get; }

    /// <summary>The kernel's buffer for the pipe, in bytes: how much can be sent before a reader must take it.</summary>
    public int BufferSize => PipeBufferSize;

    /// <summary>The descriptor number of the child's end while this process still holds it; null afterwards.</summary>
    public string? ClientHandle => _client is { IsClosed: false } c ? c.Number.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>Creates a pipe; <paramref name="direction"/> is this process's end (Both keeps both ends here).</summary>
    public static IpcPipe Create(IpcDirection direction = IpcDirection.Both, IpcFraming framing = IpcFraming.Message)
    {
        Fd.Pipe(out SafeFd readEnd, out SafeFd writeEnd);
        try
        {
            ulong inode = Fd.FStat(readEnd).Inode;
            switch (direction)
            {
                case IpcDirection.Both:
                    // Both ends in one session: the only reader is the sender itself, so a larger buffer (1 MiB where
                    // /proc/sys/fs/pipe-max-size allows) lets more be sent before Receive must run.
                    Fd.TrySetPipeSize(writeEnd, InSessionBufferSize);
                    return new IpcPipe(readEnd, writeEnd, null, framing, inode);
                case IpcDirection.Write:
                    Fd.SetCloseOnExec(readEnd, false);
                    return new IpcPipe(null, writeEnd, readEnd, framing, inode);
                default:
                    Fd.SetCloseOnExec(writeEnd, false);
                    return new IpcPipe(readEnd, null, writeEnd, framing, inode);
            }
        }
        catch
        {
            readEnd.Dispose();
            writeEnd.Dispose();
            throw;
        }
    }

    /// <summary>Opens the end of a pipe this process inherited, by its descriptor number.</summary>
    public static IpcPipe Connect(int handle, IpcFraming framing = IpcFraming.Message)
    {
        if (handle < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(handle), handle, "A descriptor number is 0 or more.");
        }

        var fd = new SafeFd(handle, ownsHandle: true);
        try
        {
            FileStatus status = Fd.FStat(fd);
            if (!status.IsFifo)
            {
                throw new ArgumentException($"Descriptor {handle} is not a pipe.", nameof(handle));
            }

            // The end is ours now: do not hand it on to our own children.
            Fd.SetCloseOnExec(fd, true);
            int mode = Fd.GetAccessMode(fd);
            return mode == Fd.O_WRONLY
                ? new IpcPipe(null, fd, null, framing, status.Inode)
                : new IpcPipe(fd, null, null, framing, status.Inode);
        }
        catch
        {
            fd.SetHandleAsInvalid();
            throw;
        }
    }

    /// <summary>
    /// Closes this process's copy of the child's end. Call it once the child has started: until then the child's end
    /// stays open here too, so a reading child would never see end of stream.
    /// </summary>
    public void ReleaseClientHandle()
    {
        _client?.Dispose();
        _client = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseClientHandle();
        }

        base.Dispose(disposing);
    }
}

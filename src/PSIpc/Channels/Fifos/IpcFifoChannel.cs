using System;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>One end of a FIFO, opened for reading or writing.</summary>
public sealed class IpcFifoChannel : StreamChannel
{
    private IpcFifoChannel(string path, SafeFd? readFd, SafeFd? writeFd, IpcFraming framing)
        : base(readFd, writeFd, framing, waitBeforeFirstRead: readFd is not null)
    {
        Path = path;
    }

    /// <inheritdoc/>
    public override string Kind => "Fifo";

    /// <summary>PIPE_BUF: writes up to this size are never interleaved with other writers' (pipe(7)).</summary>
    private protected override int AtomicWriteLimit => Fd.PipeBuf;

    /// <summary>
    /// Opens a FIFO. Read returns at once (the first Receive waits for a writer). Write waits for a reader until
    /// <paramref name="timeout"/> (null: no limit) or cancellation, and never blocks in open(2) itself.
    /// </summary>
    public static IpcFifoChannel Open(
        string path,
        IpcDirection direction,
        IpcFraming framing = IpcFraming.Message,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        FileStatus status = Fd.LStat(path);
        if (!status.IsFifo)
        {
            throw IpcFifo.NotAFifo(path, status);
        }

        SafeFd fd = direction switch
        {
            IpcDirection.Read => Fd.Open(path, Fd.O_RDONLY | Fd.O_NONBLOCK),
            IpcDirection.Write => OpenForWrite(path, Deadline.After(timeout), cancellationToken),
            _ => throw new ArgumentException(
                "A FIFO end is opened for Read or for Write; open two channels for both ways.", nameof(direction)),
        };

        try
        {
            // The path may have been replaced between lstat and open: check what was opened.
            if (!Fd.FStat(fd).IsFifo)
            {
                throw IpcFifo.NotAFifo(path, Fd.FStat(fd));
            }

            return direction == IpcDirection.Read
                ? new IpcFifoChannel(path, fd, null, framing)
                : new IpcFifoChannel(path, null, fd, framing);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static SafeFd OpenForWrite(string path, Deadline deadline, CancellationToken cancellationToken)
    {
        // open(O_WRONLY | O_NONBLOCK) fails with ENXIO while no reader has the FIFO open: retry in short slices.
        int pause = 2;
        while (true)
        {
            SafeFd? fd = Fd.TryOpen(path, Fd.O_WRONLY | Fd.O_NONBLOCK, out int errno);
            if (fd is not null)
            {
                return fd;
            }

            if (errno != Errno.ENXIO)
            {
                throw new NativeException("open", errno);
            }

            int left = deadline.RemainingMilliseconds();
            if (left == 0)
            {
                throw new IpcTimeoutException(
                    "FifoOpenTimeout",
                    $"No reader opened the FIFO '{path}' within {deadline.Timeout}. Start the reader first "
                        + "(Open-IpcFifo -Direction Read, cat, or a C program), or raise -Timeout.");
            }

            int wait = left < 0 ? pause : Math.Min(pause, left);
            if (cancellationToken.WaitHandle.WaitOne(wait))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            pause = Math.Min(pause * 2, 50);
        }
    }
}

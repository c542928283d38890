using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using PSIpc;
using PSIpc.Native;

namespace PSIpc.Bench;

/// <summary>
/// The module's own cost per message, without the kernel's waits: one thread sends 16 B on a pipe and receives it back
/// at once, so no call ever blocks. Prints nanoseconds per send and receive pair, against the bare system calls.
/// </summary>
internal static partial class InProcess
{
    /// <summary>write(2) without the runtime's transition out of managed code (safe here: the pipe never blocks).</summary>
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    [System.Runtime.InteropServices.SuppressGCTransition]
    private static unsafe partial nint WriteWithoutTransition(int fd, byte* buffer, nint count);

    public static int Run(long count, string[]? parts)
    {
        bool Wanted(string part) => parts is null || Array.IndexOf(parts, part) >= 0;
        if (Wanted("pipe"))
        {
            PipePairs(count);
            SendOnly();
        }

        if (Wanted("queues"))
        {
            QueuePair("System V", SysVMessageQueue.Create(null));
            string posixName = "/psipc-bench-inprocess-mq-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            QueuePair("POSIX", PosixMessageQueue.Create(posixName, maxMessages: 10, maxMessageSize: 8192));
        }

        if (Wanted("ring"))
        {
            RingAlone(16, 200_000);
            RingAlone(64 * 1024, 20_000);
        }

        if (Wanted("signal"))
        {
            SignalDispatch();
        }

        return 0;
    }

    /// <summary>A 16 B send and receive on a pipe in one thread, 5 rounds of <paramref name="count"/>.</summary>
    private static void PipePairs(long count)
    {
        using IpcPipe write = IpcPipe.Create(IpcDirection.Write);
        using IpcPipe read = IpcPipe.Connect(int.Parse(write.ClientHandle!, CultureInfo.InvariantCulture));
        byte[] payload = new byte[16];
        TimeSpan limit = TimeSpan.FromSeconds(60);
        for (int round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < count; i++)
            {
                write.SendPayload(payload, IpcEncoding.Bytes);
                _ = read.Receive(limit, IpcEncoding.Bytes);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"channel send+receive: {watch.Elapsed.TotalNanoseconds / count:F0} ns"));
        }
    }

    /// <summary>
    /// The sender alone, layer by layer: 24-byte writes (a 16 B frame) into a pipe with a 1 MiB buffer, so no write
    /// waits, made by a bare P/Invoke of write(2) (the runtime's floor; also without its GC transition), by Fd.Write
    /// (the descriptor lease and the EINTR loop on top) and by SendPayload (the whole send); each round drains the pipe.
    /// Then the receiver alone, which takes back what SendPayload sent (many per read). Prints the best round's mean of
    /// each.
    /// </summary>
    private static unsafe void SendOnly()
    {
        using IpcPipe pipe = IpcPipe.Create(IpcDirection.Both); // both ends here, with a 1 MiB buffer
        Fd.Pipe(out SafeFd readEnd, out SafeFd writeEnd);
        using (readEnd)
        using (writeEnd)
        {
            _ = Fd.TrySetPipeSize(writeEnd, 1 << 20);
            Fd.SetNonBlocking(readEnd, true);
            byte[] payload = new byte[16];
            byte[] frame = new byte[24];
            byte[] drain = new byte[64 * 1024];
            const int count = 20_000; // 20,000 frames of 24 bytes fit in 1 MiB
            var best = new double[5];
            Array.Fill(best, double.MaxValue);
            int raw = (int)writeEnd.DangerousGetHandle();
            for (int round = 0; round < 30; round++)
            {
                var watch = Stopwatch.StartNew();
                fixed (byte* f = frame)
                {
                    for (int i = 0; i < count; i++)
                    {
                        _ = Tmds.Linux.LibC.write(raw, f, frame.Length);
                    }
                }

                best[0] = Math.Min(best[0], watch.Elapsed.TotalNanoseconds / count);
                while (Fd.Read(readEnd, drain) > 0)
                {
                }

                watch.Restart();
                fixed (byte* f = frame)
                {
                    for (int i = 0; i < count; i++)
                    {
                        _ = WriteWithoutTransition(raw, f, frame.Length);
                    }
                }

                best[4] = Math.Min(best[4], watch.Elapsed.TotalNanoseconds / count);
                while (Fd.Read(readEnd, drain) > 0)
                {
                }

                watch.Restart();
                for (int i = 0; i < count; i++)
                {
                    _ = Fd.Write(writeEnd, frame);
                }

                best[1] = Math.Min(best[1], watch.Elapsed.TotalNanoseconds / count);
                while (Fd.Read(readEnd, drain) > 0)
                {
                }

                watch.Restart();
                for (int i = 0; i < count; i++)
                {
                    pipe.SendPayload(payload, IpcEncoding.Bytes);
                }

                best[2] = Math.Min(best[2], watch.Elapsed.TotalNanoseconds / count);
                watch.Restart();
                for (int i = 0; i < count; i++)
                {
                    _ = pipe.Receive(null, IpcEncoding.Bytes);
                }

                best[3] = Math.Min(best[3], watch.Elapsed.TotalNanoseconds / count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"send alone (24-byte writes, nothing waits), best round's ns a message: P/Invoke write {best[0]:F0} "
                + $"({best[4]:F0} without the GC transition), "
                + $"Fd.Write {best[1]:F0}, SendPayload {best[2]:F0}; receive alone (the 20,000 sent): {best[3]:F0} ns"));
        }
    }

    /// <summary>A 16 B send and receive on a queue in one thread, where nothing waits: the best round of 5 of 200,000.</summary>
    private static void QueuePair(string kind, IpcMessageQueue queue)
    {
        try
        {
            byte[] payload = new byte[16];
            double best = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < 200_000; i++)
                {
                    queue.SendPayload(payload, IpcEncoding.Bytes);
                    _ = queue.Receive(null, IpcEncoding.Bytes);
                }

                best = Math.Min(best, watch.Elapsed.TotalNanoseconds / 200_000);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} queue send+receive in one thread: {best:F0} ns"));
        }
        finally
        {
            queue.Remove();
            queue.Dispose();
        }
    }

    /// <summary>
    /// The ring in one thread, where nothing waits and no cache line crosses CPUs: a send of <paramref name="size"/> bytes
    /// then an in-place receive that reads its first and last byte, against a copy of the same size into one of 64
    /// slots in turn (what the producer's copy costs). Prints the best of 5 rounds' mean per message.
    /// </summary>
    private static void RingAlone(int size, int count)
    {
        string name = "/psipc-bench-inprocess-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using IpcRing ring = IpcRing.Create(name, 64, size);
        try
        {
            byte[] payload = new byte[size];
            byte[] slots = new byte[64 * size];
            double bestRing = double.MaxValue, bestCopy = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < count; i++)
                {
                    ring.SendPayload(payload, IpcEncoding.Bytes);
                    _ = ring.ReceiveInPlace(static (slot, _) => s_touched = slot[0] + slot[^1], 0);
                }

                bestRing = Math.Min(bestRing, watch.Elapsed.TotalNanoseconds / count);
                watch.Restart();
                for (int i = 0; i < count; i++)
                {
                    payload.CopyTo(slots.AsSpan(i % 64 * size, size));
                }

                bestCopy = Math.Min(bestCopy, watch.Elapsed.TotalNanoseconds / count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ring alone ({size} B, send then in-place receive in one thread): {bestRing:F0} ns a message; "
                + $"the copy alone {bestCopy:F0} ns"));
        }
        finally
        {
            IpcSharedMemory.Unlink(name);
        }
    }

    private static int s_touched;

    /// <summary>
    /// How long the runtime takes to hand a signal to managed code: from kill(getpid(), SIGUSR2) to a
    /// PosixSignalRegistration handler (which spins nothing: the sender spins for it), and from kill(SIGUSR1) to the
    /// return of the module's SignalWaiter.Wait. Medians of 2000 each, after 2000 untimed.
    /// </summary>
    private static void SignalDispatch()
    {
        long handled = 0;
        using var registration = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            (System.Runtime.InteropServices.PosixSignal)SignalInfo.Parse("USR2").Number,
            context =>
            {
                context.Cancel = true;
                Volatile.Write(ref handled, Stopwatch.GetTimestamp());
            });
        SignalInfo usr1 = SignalInfo.Parse("USR1");
        SignalWaiter.EnsureCatcher(usr1);
        var toHandler = new double[2000];
        var toWait = new double[2000];
        for (int i = -2000; i < 2000; i++)
        {
            Volatile.Write(ref handled, 0);
            long t = Stopwatch.GetTimestamp();
            SignalsNative.Kill(Environment.ProcessId, SignalInfo.Parse("USR2").Number);
            while (Volatile.Read(ref handled) == 0)
            {
                Thread.SpinWait(10);
            }

            double handler = Stopwatch.GetElapsedTime(t, Volatile.Read(ref handled)).TotalMicroseconds;
            t = Stopwatch.GetTimestamp();
            SignalsNative.Kill(Environment.ProcessId, usr1.Number);
            SignalWaiter.Wait(new[] { usr1 }, TimeSpan.FromSeconds(10), default);
            if (i >= 0)
            {
                toHandler[i] = handler;
                toWait[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }
        }

        Array.Sort(toHandler);
        Array.Sort(toWait);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"signal: kill(self) to the PosixSignalRegistration handler p50 {toHandler[1000]:F1} us; to SignalWaiter.Wait's return p50 {toWait[1000]:F1} us"));
    }
}

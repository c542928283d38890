using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using PSIpc;
using PSIpc.Native;

namespace PSIpc.Bench;

/// <summary>
/// The module's .NET API column: the same workloads as ipc_bench.c (rt: echo round trips; oneway: count messages,
/// then one answer), between this process and a copy of itself, through the public channel classes. Messages are sent
/// and received without a timeout, as C blocks without one (setup steps keep a 60 s limit).
/// Prints one line: seconds, p50 ns, p99 ns.
/// </summary>
internal static class ApiBench
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>A mechanism's two ends as send/receive delegates, plus what to remove afterwards.</summary>
    private sealed class Ends : IDisposable
    {
        public required Action<byte[]> Send { get; init; }

        public required Action Receive { get; init; }

        public List<IDisposable> Owned { get; } = new();

        public Action? Cleanup { get; init; }

        public void Dispose()
        {
            foreach (IDisposable d in Owned)
            {
                d.Dispose();
            }

            Cleanup?.Invoke();
        }
    }

    public static int Parent(string mech, bool rt, int size, long count)
    {
        byte[] payload = new byte[Math.Max(size, 1)];
        if (mech == "signal")
        {
            return Signal(count);
        }

        string id = "psipc-bench-api-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var childArgs = new List<string> { "api-child", mech, rt ? "rt" : "oneway", size.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture) };
        Func<Ends> open;
        Action? afterStart = null;
        Action cleanup = () => { };
        switch (mech)
        {
            case "pipe":
            {
                IpcPipe to = IpcPipe.Create(IpcDirection.Write), back = IpcPipe.Create(IpcDirection.Read);
                childArgs.Add(to.ClientHandle!);
                childArgs.Add(back.ClientHandle!);
                afterStart = () => { to.ReleaseClientHandle(); back.ReleaseClientHandle(); };
                open = () => Stream(to, back);
                break;
            }

            case "fifo":
            {
                string dir = Directory.CreateTempSubdirectory("psipc-bench-api-").FullName;
                IpcFifo.Create(Path.Combine(dir, "to"));
                IpcFifo.Create(Path.Combine(dir, "back"));
                childArgs.Add(dir);
                open = () => Stream(IpcFifoChannel.Open(Path.Combine(dir, "to"), IpcDirection.Write, timeout: Limit), IpcFifoChannel.Open(Path.Combine(dir, "back"), IpcDirection.Read, timeout: Limit));
                cleanup = () => Directory.Delete(dir, true);
                break;
            }

            case "sysv":
            {
                SysVMessageQueue q = SysVMessageQueue.Create(null);
                childArgs.Add(q.Id.ToString(CultureInfo.InvariantCulture));
                open = () => new Ends { Send = p => q.SendPayload(p, 1), Receive = () => q.Receive(2, null, IpcEncoding.Bytes), Owned = { q } };
                cleanup = q.Remove;
                break;
            }

            case "posix":
            {
                PosixMessageQueue to = PosixMessageQueue.Create("/" + id + "-to", maxMessages: 10, maxMessageSize: payload.Length);
                PosixMessageQueue back = PosixMessageQueue.Create("/" + id + "-back", maxMessages: 10, maxMessageSize: payload.Length);
                childArgs.Add("/" + id);
                open = () => new Ends { Send = p => to.SendPayload(p, 0), Receive = () => back.Receive(null, IpcEncoding.Bytes), Owned = { to, back } };
                cleanup = () => { to.Remove(); back.Remove(); };
                break;
            }

            case "unix":
            case "tcp":
            {
                string path = Path.Combine(Path.GetTempPath(), id + ".sock");
                IpcSocketServer server = mech == "unix" ? IpcSocketServer.ListenUnix(path) : IpcSocketServer.ListenTcp(System.Net.IPAddress.Loopback, 0);
                childArgs.Add(mech == "unix" ? path : server.Port.ToString(CultureInfo.InvariantCulture));
                open = () =>
                {
                    IpcSocket s = server.Accept(Limit)!;
                    return Stream(s, s);
                };
                cleanup = server.Dispose;
                break;
            }

            case "ring":
            {
                IpcRing to = IpcRing.Create("/" + id + "-to", 64, payload.Length);
                IpcRing back = IpcRing.Create("/" + id + "-back", 64, payload.Length);
                childArgs.Add("/" + id);
                open = () => new Ends { Send = p => to.SendPayload(p, IpcEncoding.Bytes), Receive = () => back.ReceiveInPlace(Touch, 0), Owned = { to, back } };
                cleanup = () => { IpcSharedMemory.Unlink("/" + id + "-to"); IpcSharedMemory.Unlink("/" + id + "-back"); };
                break;
            }

            case "mailbox":
            case "rendezvous":
            {
                // The child opens its mailbox and says hello; the parent answers ready, and each now has a link to the other.
                IpcMailbox mailbox = IpcMailbox.Open();
                childArgs.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                open = () =>
                {
                    IpcMessage hello = mailbox.Receive(Limit, IpcEncoding.Bytes)!;
                    MailboxLink link = MailboxLink.To(hello.SenderProcessId!.Value);
                    link.SendPayload(new byte[1], IpcEncoding.Bytes, Limit);
                    return new Ends { Send = Sender(mech, link), Receive = () => mailbox.Receive(null, IpcEncoding.Bytes), Owned = { mailbox } };
                };
                break;
            }

            default:
                Console.Error.WriteLine("unknown mechanism " + mech);
                return 2;
        }

        try
        {
            using Process child = StartSelf(childArgs);
            afterStart?.Invoke();
            using Ends ends = open();
            WarmUp(ends, payload, rt, count);
            var latencies = rt ? new double[count] : null;
            var watch = Stopwatch.StartNew();
            Run(ends, payload, rt, count, latencies);
            double seconds = watch.Elapsed.TotalSeconds;
            if (!child.WaitForExit(60_000))
            {
                child.Kill();
                throw new TimeoutException("the child did not finish");
            }

            Results.Print(seconds, latencies);
            return child.ExitCode;
        }
        finally
        {
            cleanup();
        }
    }

    /// <summary>
    /// The ring's in-place receiver reads the payload's first and last byte where it lies, as a consumer that looks at a
    /// header would; the C ring copies each message out (its API can do nothing else).
    /// </summary>
    private static readonly System.Buffers.ReadOnlySpanAction<byte, int> Touch = static (slot, _) => s_touched = slot[0] + slot[^1];

    private static int s_touched;

    /// <summary>A mailbox send: plain, or (rendezvous) one that waits for the receiver's receipt.</summary>
    private static Action<byte[]> Sender(string mech, MailboxLink link) => mech == "rendezvous"
        ? p => link.SendPayloadAndWaitForReceipt(p, IpcEncoding.Bytes)
        : p => link.SendPayload(p, IpcEncoding.Bytes);

    /// <summary>
    /// The untimed warm-up (C has no JIT to warm): rounds of a tenth of the count (at most 1000 messages) until <see
    /// cref="WarmUpTime"/> has passed, so that tiered compilation has replaced the first, unoptimized code before the
    /// clock starts. The first byte of each round's last message tells the child whether another round follows (1) or
    /// the measured run (0).
    /// </summary>
    private static void WarmUp(Ends ends, byte[] payload, bool rt, long count)
    {
        long rounds = WarmRound(count);
        var clock = Stopwatch.StartNew();
        bool more;
        do
        {
            more = clock.Elapsed < WarmUpTime;
            Run(ends, payload, rt, rounds, null, more ? (byte)1 : (byte)0);
        }
        while (more);
    }

    /// <summary>How long the warm-up lasts at least: the runtime promotes hot methods after a 100 ms delay and 30 calls.</summary>
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(0.5);

    private static long WarmRound(long count) => Math.Clamp(count / 10, 1, 1000);

    /// <summary>One batch: count round trips, or count messages one way then one answer; the last message's first
    /// byte is <paramref name="marker"/>.</summary>
    private static void Run(Ends ends, byte[] payload, bool rt, long count, double[]? latencies, byte marker = 0)
    {
        for (long i = 0; i < count; i++)
        {
            long t = Stopwatch.GetTimestamp();
            payload[0] = i == count - 1 ? marker : (byte)0;
            ends.Send(payload);
            if (rt)
            {
                ends.Receive();
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(t).TotalSeconds;
                }
            }
        }

        if (!rt && count > 0)
        {
            ends.Receive();
        }
    }

    public static int Child(string mech, bool rt, int size, long count, string[] where)
    {
        byte[] payload = new byte[Math.Max(size, 1)];
        byte[] buffer = new byte[payload.Length];
        Func<byte[]?> receive;
        Action<byte[]> send;
        var owned = new List<IDisposable>();
        switch (mech)
        {
            case "pipe":
            {
                (receive, send) = Peer(owned, IpcPipe.Connect(int.Parse(where[0], CultureInfo.InvariantCulture)), IpcPipe.Connect(int.Parse(where[1], CultureInfo.InvariantCulture)));
                break;
            }

            case "fifo":
            {
                IpcFifoChannel from = IpcFifoChannel.Open(Path.Combine(where[0], "to"), IpcDirection.Read, timeout: Limit);
                (receive, send) = Peer(owned, from, IpcFifoChannel.Open(Path.Combine(where[0], "back"), IpcDirection.Write, timeout: Limit));
                break;
            }

            case "sysv":
            {
                SysVMessageQueue q = SysVMessageQueue.ConnectById(int.Parse(where[0], CultureInfo.InvariantCulture));
                owned.Add(q);
                receive = () => (byte[]?)q.Receive(1, null, IpcEncoding.Bytes)?.Body;
                send = p => q.SendPayload(p, 2);
                break;
            }

            case "posix":
            {
                (receive, send) = Peer(owned, PosixMessageQueue.Connect(where[0] + "-to"), PosixMessageQueue.Connect(where[0] + "-back"));
                break;
            }

            case "unix":
            case "tcp":
            {
                IpcSocket s = mech == "unix" ? IpcSocket.ConnectUnix(where[0], false, timeout: Limit) : IpcSocket.ConnectTcp("127.0.0.1", int.Parse(where[0], CultureInfo.InvariantCulture), timeout: Limit);
                (receive, send) = Peer(owned, s, s);
                break;
            }

            case "ring":
            {
                IpcRing from = IpcRing.Connect(where[0] + "-to"), to = IpcRing.Connect(where[0] + "-back");
                owned.Add(from);
                owned.Add(to);
                receive = () => from.ReceiveInto(buffer) >= 0 ? buffer : null;
                send = p => to.SendPayload(p, IpcEncoding.Bytes);
                break;
            }

            case "mailbox":
            case "rendezvous":
            {
                IpcMailbox mailbox = IpcMailbox.Open();
                owned.Add(mailbox);
                MailboxLink link = MailboxLink.To(int.Parse(where[0], CultureInfo.InvariantCulture));
                link.SendPayload(new byte[1], IpcEncoding.Bytes, Limit);
                _ = mailbox.Receive(Limit, IpcEncoding.Bytes);
                receive = () => (byte[]?)mailbox.Receive(null, IpcEncoding.Bytes)?.Body;
                send = p => link.SendPayload(p, IpcEncoding.Bytes);
                break;
            }

            default:
                return 2;
        }

        try
        {
            // Warm-up rounds (see WarmUp) until one ends with a 0 marker, then the measured run.
            long rounds = WarmRound(count);
            while (Batch(rounds) != 0)
            {
            }

            Batch(count);
            return 0;

            byte Batch(long n)
            {
                byte marker = 0;
                for (long i = 0; i < n; i++)
                {
                    byte[] got = receive() ?? throw new EndOfStreamException("the parent closed early");
                    marker = got[0];
                    if (rt)
                    {
                        send(got.Length == payload.Length ? got : payload);
                    }
                }

                if (!rt)
                {
                    send(payload.AsSpan(0, 1).ToArray());
                }

                return marker;
            }
        }
        finally
        {
            owned.ForEach(d => d.Dispose());
        }
    }

    /// <summary>The child's receive and send through channels: bytes in, bytes back.</summary>
    private static (Func<byte[]?> Receive, Action<byte[]> Send) Peer(List<IDisposable> owned, IpcChannel from, IpcChannel to)
    {
        owned.Add(from);
        owned.Add(to);
        return (() => (byte[]?)from.Receive(null, IpcEncoding.Bytes)?.Body, p => to.SendPayload(p, IpcEncoding.Bytes));
    }

    private static Ends Stream(IpcChannel to, IpcChannel back) => new()
    {
        Send = p => to.SendPayload(p, IpcEncoding.Bytes),
        Receive = () => back.Receive(null, IpcEncoding.Bytes),
        Owned = { to, back },
    };

    /// <summary>Signals: the child waits for SIGUSR1 and answers SIGUSR2, with the module's waiter and kill.</summary>
    private static int Signal(long count)
    {
        SignalInfo usr1 = SignalInfo.Parse("USR1"), usr2 = SignalInfo.Parse("USR2");
        SignalWaiter.EnsureCatcher(usr2);
        using Process child = StartSelf(new List<string> { "api-signal-child", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture) });
        SignalWaiter.Wait(new[] { usr2 }, Limit, default); // the child is ready
        for (int i = 0; i < SignalWarmUp; i++)
        {
            SignalsNative.Kill(child.Id, usr1.Number);
            SignalWaiter.Wait(new[] { usr2 }, Limit, default);
        }

        var latencies = new double[count];
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            long t = Stopwatch.GetTimestamp();
            SignalsNative.Kill(child.Id, usr1.Number);
            SignalWaiter.Wait(new[] { usr2 }, Limit, default);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalSeconds;
        }

        double seconds = watch.Elapsed.TotalSeconds;
        child.WaitForExit();
        Results.Print(seconds, latencies);
        return child.ExitCode;
    }

    /// <summary>Untimed round trips before the measured ones (about half a second), as <see cref="WarmUp"/> does.</summary>
    private const int SignalWarmUp = 5000;

    public static int SignalChild(int parent, long count)
    {
        SignalInfo usr1 = SignalInfo.Parse("USR1"), usr2 = SignalInfo.Parse("USR2");
        SignalWaiter.EnsureCatcher(usr1);
        SignalsNative.Kill(parent, usr2.Number);
        for (long i = 0; i < count + SignalWarmUp; i++)
        {
            SignalWaiter.Wait(new[] { usr1 }, Limit, default);
            SignalsNative.Kill(parent, usr2.Number);
        }

        return 0;
    }

    internal static Process StartSelf(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(ApiBench).Assembly.Location);
        }

        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }
}

/// <summary>The one output line every implementation prints.</summary>
internal static class Results
{
    public static void Print(double seconds, double[]? latencies)
    {
        double p50 = 0, p99 = 0;
        if (latencies is { Length: > 0 })
        {
            Array.Sort(latencies);
            p50 = latencies[latencies.Length / 2] * 1e9;
            p99 = latencies[latencies.Length * 99 / 100] * 1e9;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F6} {p50:F0} {p99:F0}"));
    }
}

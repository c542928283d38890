using System;
using System.Diagnostics;
using System.Globalization;
using PSIpc;

// PSIpc.Bench sysv|posix <size> <count> roundtrip|oneway      prints the seconds the parent's loop took.
// The same workload as tests/bench/queue_bench.c, through SysVMessageQueue / PosixMessageQueue, in two processes.
internal static class Program
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "ring")
        {
            return Ring(args);
        }

        if (args.Length == 5 && args[0] == "socket")
        {
            return Socket(args[1], args[2] == "roundtrip", int.Parse(args[3], CultureInfo.InvariantCulture), long.Parse(args[4], CultureInfo.InvariantCulture));
        }

        if (args.Length == 6 && args[0] == "socket-child")
        {
            return SocketChild(args[1], args[2], args[3] == "roundtrip", int.Parse(args[4], CultureInfo.InvariantCulture), long.Parse(args[5], CultureInfo.InvariantCulture));
        }

        if (args.Length == 4 && args[0] == "ring-child")
        {
            return RingChild(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), long.Parse(args[3], CultureInfo.InvariantCulture));
        }

        if (args.Length >= 5 && args[0] == "child")
        {
            return Child(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), long.Parse(args[4], CultureInfo.InvariantCulture), args[5] == "roundtrip");
        }

        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: PSIpc.Bench sysv|posix <size> <count> roundtrip|oneway");
            return 2;
        }

        bool sysv = args[0] == "sysv";
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        long count = long.Parse(args[2], CultureInfo.InvariantCulture);
        bool roundtrip = args[3] == "roundtrip";
        byte[] payload = new byte[size];

        SysVMessageQueue? q = null;
        PosixMessageQueue? to = null, back = null;
        string id;
        if (sysv)
        {
            q = SysVMessageQueue.Create(null);
            id = q.Id.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            id = "/psipc-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            to = PosixMessageQueue.Create(id + "-to", maxMessages: 10, maxMessageSize: size);
            back = PosixMessageQueue.Create(id + "-back", maxMessages: 10, maxMessageSize: Math.Max(size, 1));
        }

        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        foreach (string a in new[] { "child", args[0], id, args[1], args[2], args[3] })
        {
            psi.ArgumentList.Add(a);
        }

        using Process child = Process.Start(psi)!;
        try
        {
            // Wait for the child to be ready, so start-up is not measured.
            if (sysv)
            {
                q!.Receive(3, Limit);
            }
            else
            {
                back!.Receive(Limit);
            }

            var watch = Stopwatch.StartNew();
            for (long i = 0; i < count; i++)
            {
                if (sysv)
                {
                    q!.SendPayload(payload, 1);
                    if (roundtrip)
                    {
                        q.Receive(2, Limit);
                    }
                }
                else
                {
                    to!.SendPayload(payload, 0);
                    if (roundtrip)
                    {
                        back!.Receive(Limit);
                    }
                }
            }

            if (!roundtrip)
            {
                if (sysv)
                {
                    q!.Receive(2, Limit);
                }
                else
                {
                    back!.Receive(Limit);
                }
            }

            double seconds = watch.Elapsed.TotalSeconds;
            child.WaitForExit();
            Console.WriteLine(seconds.ToString("F6", CultureInfo.InvariantCulture));
            return child.ExitCode;
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            q?.Remove();
            to?.Remove();
            back?.Remove();
        }
    }

    // PSIpc.Bench ring <size> <count>: one-way through an IpcRing between two processes; prints seconds.
    // PSIpc.Bench ring-child <name> <size> <count>: the consumer. A second small ring carries "ready" and "done".
    private static int Ring(string[] args)
    {
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        long count = long.Parse(args[2], CultureInfo.InvariantCulture);
        string name = "/psipc-bench-ring-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using IpcRing ring = IpcRing.Create(name, 64, Math.Max(size, 8));
        using IpcRing control = IpcRing.Create(name + "-control", 2, 8);
        try
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
            if (System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                psi.ArgumentList.Add(typeof(Program).Assembly.Location);
            }

            foreach (string a in new[] { "ring-child", name, args[1], args[2] })
            {
                psi.ArgumentList.Add(a);
            }

            using Process child = Process.Start(psi)!;
            // Page-aligned buffers, as C's large calloc gives: the figures compare copies, not alignment luck.
            Span<byte> payload = AlignedBuffer(size);
            byte[] signal = new byte[8];
            control.ReceiveInto(signal, Limit); // the child is ready
            // The first tenth warms up the JIT (C has no JIT to warm); the rest is timed and scaled to the whole count.
            long warmup = count / 10;
            var watch = new Stopwatch();
            for (long i = 0; i < count; i++)
            {
                if (i == warmup)
                {
                    watch.Start();
                }

                ring.SendPayload(payload, IpcEncoding.Bytes, Limit);
            }

            control.ReceiveInto(signal, Limit); // the child has them all
            double seconds = watch.Elapsed.TotalSeconds * count / (count - warmup);
            child.WaitForExit();
            Console.WriteLine(seconds.ToString("F6", CultureInfo.InvariantCulture));
            return child.ExitCode;
        }
        finally
        {
            IpcSharedMemory.Unlink(name);
            IpcSharedMemory.Unlink(name + "-control");
        }
    }

    private static int RingChild(string name, int size, long count)
    {
        using IpcRing ring = IpcRing.Connect(name);
        using IpcRing control = IpcRing.Connect(name + "-control");
        Span<byte> buffer = AlignedBuffer(ring.MessageSize);
        control.SendPayload(new byte[1], IpcEncoding.Bytes, Limit);
        for (long i = 0; i < count; i++)
        {
            if (ring.ReceiveInto(buffer, Limit) != size)
            {
                return 3;
            }
        }

        control.SendPayload(new byte[1], IpcEncoding.Bytes, Limit);
        return 0;
    }

    // PSIpc.Bench socket unix|tcp roundtrip|stream <size> <count>: IpcSocketServer and IpcSocket (Message framing,
    // Bytes) between this process and a child it starts; prints the seconds the parent's loop took.
    private static int Socket(string kind, bool roundtrip, int size, long count)
    {
        string path = "/tmp/psipc-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".sock";
        using IpcSocketServer server = kind == "unix" ? IpcSocketServer.ListenUnix(path) : IpcSocketServer.ListenTcp(System.Net.IPAddress.Loopback, 0);
        string where = kind == "unix" ? path : server.Port.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        foreach (string a in new[] { "socket-child", kind, where, roundtrip ? "roundtrip" : "stream", size.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        using Process child = Process.Start(psi)!;
        using IpcSocket peer = server.Accept(Limit);
        byte[] payload = new byte[size];
        long warmup = count / 10;
        var watch = new Stopwatch();
        for (long i = 0; i < count; i++)
        {
            if (i == warmup)
            {
                watch.Start();
            }

            peer.SendPayload(payload, IpcEncoding.Bytes, Limit);
            if (roundtrip)
            {
                peer.Receive(Limit, IpcEncoding.Bytes);
            }
        }

        if (!roundtrip)
        {
            peer.Receive(Limit, IpcEncoding.Bytes);
        }

        double seconds = watch.Elapsed.TotalSeconds * count / (count - warmup);
        child.WaitForExit();
        Console.WriteLine(seconds.ToString("F6", CultureInfo.InvariantCulture));
        return child.ExitCode;
    }

    private static int SocketChild(string kind, string where, bool roundtrip, int size, long count)
    {
        using IpcSocket socket = kind == "unix" ? IpcSocket.ConnectUnix(where, false, timeout: Limit) : IpcSocket.ConnectTcp("127.0.0.1", int.Parse(where, CultureInfo.InvariantCulture), timeout: Limit);
        byte[] payload = new byte[size];
        for (long i = 0; i < count; i++)
        {
            socket.Receive(Limit, IpcEncoding.Bytes);
            if (roundtrip)
            {
                socket.SendPayload(payload, IpcEncoding.Bytes, Limit);
            }
        }

        if (!roundtrip)
        {
            socket.SendPayload(new byte[1], IpcEncoding.Bytes, Limit);
        }

        return 0;
    }

    private static unsafe Span<byte> AlignedBuffer(int size) =>
        new(System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)Math.Max(size, 1), 4096), size);

    private static int Child(string kind, string id, int size, long count, bool roundtrip)
    {
        byte[] payload = new byte[Math.Max(size, 1)];
        if (kind == "sysv")
        {
            using SysVMessageQueue q = SysVMessageQueue.ConnectById(int.Parse(id, CultureInfo.InvariantCulture));
            q.SendPayload(payload.AsSpan(0, 1), 3);
            for (long i = 0; i < count; i++)
            {
                q.Receive(1, Limit);
                if (roundtrip)
                {
                    q.SendPayload(payload.AsSpan(0, size), 2);
                }
            }

            if (!roundtrip)
            {
                q.SendPayload(payload.AsSpan(0, 1), 2);
            }

            return 0;
        }

        using PosixMessageQueue to = PosixMessageQueue.Connect(id + "-to");
        using PosixMessageQueue back = PosixMessageQueue.Connect(id + "-back");
        back.SendPayload(payload.AsSpan(0, 1), 0);
        for (long i = 0; i < count; i++)
        {
            to.Receive(Limit);
            if (roundtrip)
            {
                back.SendPayload(payload.AsSpan(0, size), 0);
            }
        }

        if (!roundtrip)
        {
            back.SendPayload(payload.AsSpan(0, 1), 0);
        }

        return 0;
    }
}

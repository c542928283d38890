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

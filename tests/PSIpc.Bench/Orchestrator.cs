using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace PSIpc.Bench;

/// <summary>One measured run: its figures as the implementation printed them.</summary>
internal sealed record Sample(int Rep, string Mechanism, string Workload, string Impl, int Size, long Count, double Seconds, double P50Ns, double P99Ns, string? Error)
{
    /// <summary>Statement cost: microseconds a statement. Round trips: p50 in microseconds. One way: messages per second (16 B) or MB/s (large).</summary>
    public double Value => Mechanism == Orchestrator.StatementMechanism ? P50Ns / 1000 : Workload switch
    {
        "rt" or "rtu" => P50Ns / 1000,
        "ow16" => Count / Seconds,
        _ => Count * (double)Size / Seconds / 1e6,
    };
}

/// <summary>
/// Runs every implementation of every mechanism, repetition by repetition (so the machine's noise falls on all of
/// them alike), then writes the report. C, Python and the .NET API run one process pair per measurement; the
/// cmdlets run one PowerShell pair per mechanism and repetition, which walks all its workloads and forms.
/// </summary>
internal static class Orchestrator
{
    /// <summary>The statement-cost rows: Workload is the binding shape, Impl "PSIpc: ..." or "built-in: ..." with the
    /// statement, P50Ns the nanoseconds one statement takes.</summary>
    public const string StatementMechanism = "statement";

    public static readonly string[] Mechanisms = { "pipe", "fifo", "sysv", "posix", "unix", "tcp", "ring", "signal", "mailbox", "rendezvous" };

    /// <summary>The implementations, in the report's order; cmdlet forms are "cmdlets &lt;form&gt;".</summary>
    public static readonly string[] Impls = { "C", "Python", ".NET API", "cmdlets Bytes", "cmdlets Text", "cmdlets CliXml", "cmdlets Batched", "memcpy" };

    private static readonly string Root = FindRoot();

    /// <summary>The large message: 64 KiB, except on queues, whose kernel limit here (msgmax, msgsize_max) is 8 KiB.</summary>
    public static int LargeSize(string mech) => mech is "sysv" or "posix" ? 4096 : 65536;

    public static int Run(string[] args)
    {
        int reps = 5;
        double scale = 1;
        string outDir = Path.Combine(Root, "out", "bench");
        string[] only = Mechanisms;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--reps": reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--scale": scale = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": outDir = Path.GetFullPath(args[i + 1]); break;
                case "--only": only = args[i + 1].Split(','); break;
                default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
            }
        }

        Directory.CreateDirectory(outDir);
        string cExe = Path.Combine(outDir, "ipc_bench");
        string python = "/usr/bin/python3";
        string pyScript = Path.Combine(Root, "tests", "bench", "ipc_bench.py");
        string pwsh = PwshDll;
        string cmdletScript = Path.Combine(Root, "tests", "bench", "CmdletBench.ps1");
        foreach (string needed in new[] { cExe, python, pwsh })
        {
            if (!File.Exists(needed))
            {
                Console.Error.WriteLine($"{needed} is missing: run tests/bench/run, which builds everything first.");
                return 2;
            }
        }

        bool pySysV = Exec(python, new[] { "-c", "import sysv_ipc" }, 30).Code == 0;
        long N(long n) => Math.Max(10, (long)(n * scale));
        var samples = new List<Sample>();
        var total = Stopwatch.StartNew();
        for (int rep = 1; rep <= reps; rep++)
        {
            Console.Error.WriteLine($"repetition {rep} of {reps} ({total.Elapsed:mm\\:ss})");
            foreach (string mech in only.Where(m => m != StatementMechanism))
            {
                int large = LargeSize(mech);
                bool ring = mech == "ring";
                // A rendezvous is a one-way send that waits for each message's receipt: one-way workloads only.
                var workloads = mech == "signal"
                    ? new[] { ("rt", 0) }
                    : mech == "rendezvous" ? new[] { ("ow16", 16), ("owL", large) }
                    : new[] { ("rt", 16), ("rtu", 16), ("ow16", 16), ("owL", large) };
                foreach ((string wl, int size) in workloads)
                {
                    // rtu: the same round trips unpinned, where the peer wakes on the other CPU, as on a user's machine.
                    string kind = wl is "rt" or "rtu" ? "rt" : "oneway";
                    long c = wl switch { "rt" or "rtu" => 10_000, "ow16" => ring ? 2_000_000 : 200_000, _ => 10_000 };
                    long py = wl switch { "rt" or "rtu" => 3_000, "ow16" => 30_000, _ => 3_000 };
                    long api = wl switch { "rt" or "rtu" => 5_000, "ow16" => ring ? 1_000_000 : 100_000, _ => 5_000 };
                    bool pin = wl == "rt";
                    samples.Add(Measure(rep, mech, wl, "C", size, N(c), pin, cExe, new[] { mech, kind, Str(size), Str(N(c)) }));
                    if (mech != "posix" && (mech != "sysv" || pySysV))
                    {
                        samples.Add(Measure(rep, mech, wl, "Python", size, N(py), pin, python, new[] { pyScript, mech, kind, Str(size), Str(N(py)) }));
                    }

                    samples.Add(Measure(rep, mech, wl, ".NET API", size, N(api), pin, Self, SelfArgs("api", mech, kind, Str(size), Str(N(api)))));
                    if (ring && kind != "rt")
                    {
                        long copies = wl == "ow16" ? 20_000_000 : 100_000;
                        samples.Add(Measure(rep, mech, wl, "memcpy", size, N(copies), false, cExe, new[] { "memcpy", "oneway", Str(size), Str(N(copies)) }));
                    }
                }

                // The cmdlets: one PowerShell pair walks the round trips (pinned, like the others), another the one-way workloads.
                long cr = N(2_000), c16 = N(100_000), cl = N(2_000);
                var plans = mech == "signal"
                    ? new[] { ($"rt,0,{cr}", true) }
                    : mech == "rendezvous" ? new[] { ($"oneway,16,{cr};oneway,{large},{cl}", false) }
                    : new[] { ($"rt,16,{cr}", true), ($"oneway,16,{c16};oneway,{large},{cl}", false) };
                foreach ((string plan, bool pin) in plans)
                {
                    var run = Exec("dotnet", new[] { pwsh, "-NoProfile", "-NonInteractive", "-File", cmdletScript, "-Mechanism", mech, "-Plan", plan }, 300, pin);
                    if (run.Code != 0)
                    {
                        Console.Error.WriteLine($"  cmdlets {mech} {plan} failed: {Trim(run.Err)}");
                        samples.Add(new Sample(rep, mech, pin ? "rt" : "ow16", "cmdlets Bytes", 16, cr, 0, 0, 0, Trim(run.Err)));
                    }

                    foreach (string line in run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        string[] f = line.Trim().Split(' ');
                        if (f.Length != 7)
                        {
                            continue;
                        }

                        int size = int.Parse(f[2], CultureInfo.InvariantCulture);
                        string wl = f[1] == "rt" ? "rt" : size == 16 ? "ow16" : "owL";
                        samples.Add(new Sample(rep, mech, wl, "cmdlets " + f[0], size, long.Parse(f[3], CultureInfo.InvariantCulture), D(f[4]), D(f[5]), D(f[6]), null));
                    }
                }
            }

            if (only == Mechanisms || only.Contains(StatementMechanism))
            {
                samples.AddRange(StatementCost(rep, pwsh));
            }
        }

        string tsv = Path.Combine(outDir, "results.tsv");
        WriteResults(samples, tsv);
        Console.Error.WriteLine($"measured in {total.Elapsed:mm\\:ss}; raw results in {tsv}");
        string report = Report.Write(samples, outDir, MachineDetails());
        Console.WriteLine(report);
        return samples.Any(s => s.Error is not null) ? 1 : 0;
    }

    /// <summary>One run of tests/bench/StatementCost.ps1: each binding shape's PSIpc statement and built-in statement.</summary>
    private static IEnumerable<Sample> StatementCost(int rep, string pwsh)
    {
        string script = Path.Combine(Root, "tests", "bench", "StatementCost.ps1");
        var run = Exec("dotnet", new[] { pwsh, "-NoProfile", "-NonInteractive", "-File", script }, 300, false);
        if (run.Code != 0)
        {
            Console.Error.WriteLine($"  statement cost failed: {Trim(run.Err)}");
            yield return new Sample(rep, StatementMechanism, "(all)", "PSIpc", 0, 0, 0, 0, 0, Trim(run.Err));
            yield break;
        }

        foreach (string line in run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Trim().Split('\t');
            if (f.Length == 5)
            {
                yield return new Sample(rep, StatementMechanism, f[0], "PSIpc: " + f[1], 0, 1, 1, D(f[2]), 0, null);
                yield return new Sample(rep, StatementMechanism, f[0], "built-in: " + f[3], 0, 1, 1, D(f[4]), 0, null);
            }
        }
    }

    private static string Self => Environment.ProcessPath!;

    /// <summary>The CPU round trips are pinned to: the last one.</summary>
    public static string PinnedCpu => (Environment.ProcessorCount - 1).ToString(CultureInfo.InvariantCulture);

    private static string[] SelfArgs(params string[] args) =>
        Path.GetFileNameWithoutExtension(Self) == "dotnet" ? args.Prepend(typeof(Orchestrator).Assembly.Location).ToArray() : args;

    private static string Str(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static string Trim(string s) => s.Length > 300 ? s[..300] : s.Trim();

    private static Sample Measure(int rep, string mech, string wl, string impl, int size, long count, bool pin, string file, string[] args)
    {
        var run = Exec(file, args, 120, pin);
        string[] f = run.Out.Trim().Split(' ');
        if (run.Code != 0 || f.Length != 3)
        {
            Console.Error.WriteLine($"  {impl} {mech} {wl} failed: {Trim(run.Err)}");
            return new Sample(rep, mech, wl, impl, size, count, 0, 0, 0, $"exit {run.Code}: {Trim(run.Err)}");
        }

        return new Sample(rep, mech, wl, impl, size, count, D(f[0]), D(f[1]), D(f[2]), null);
    }

    /// <summary>Runs a program to its end (killing it and its children after <paramref name="seconds"/>).</summary>
    private static (int Code, string Out, string Err) Exec(string file, IEnumerable<string> args, int seconds, bool pin = false)
    {
        // Round trips run with both processes on one CPU: unpinned, a wake-up on the other vCPU costs the hypervisor
        // 50-60 µs here, which swamps every implementation's own cost and flips at random between runs.
        if (pin)
        {
            args = new[] { "-c", PinnedCpu, file }.Concat(args);
            file = "taskset";
        }

        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        using Process p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(seconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, string.Empty, $"timed out after {seconds} s");
        }

        return (p.ExitCode, output.Result, err.Result);
    }

    public static void WriteResults(IEnumerable<Sample> samples, string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("rep\tmechanism\tworkload\timpl\tsize\tcount\tseconds\tp50_ns\tp99_ns\terror");
        foreach (Sample s in samples)
        {
            w.WriteLine(string.Join('\t', s.Rep, s.Mechanism, s.Workload, s.Impl, s.Size, s.Count, s.Seconds.ToString("R", CultureInfo.InvariantCulture), s.P50Ns.ToString("R", CultureInfo.InvariantCulture), s.P99Ns.ToString("R", CultureInfo.InvariantCulture), s.Error ?? string.Empty));
        }
    }

    public static List<Sample> ReadResults(string path) =>
        File.ReadLines(path).Skip(1).Select(l => l.Split('\t')).Select(f => new Sample(
            int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture),
            D(f[6]), D(f[7]), D(f[8]), f.Length > 9 && f[9].Length > 0 ? f[9] : null)).ToList();

    /// <summary>The machine lines that head the report.</summary>
    public static IReadOnlyList<(string, string)> MachineDetails()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        string Version(string file, params string[] args)
        {
            try
            {
                var r = Exec(file, args, 30);
                return (r.Out + r.Err).Split('\n')[0].Trim();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "not installed";
            }
        }

        return new List<(string, string)>
        {
            ("Date", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
            ("CPU", $"{cpu}, {Environment.ProcessorCount} cores"),
            ("Memory", $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB"),
            ("Kernel", $"{RuntimeInformation.OSDescription} ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()})"),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("PowerShell", "pwsh " + Version("dotnet", PwshDll, "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()") + " (dotnet pwsh.dll, the tool package .config/dotnet-tools.json pins)"),
            ("PSIpc", typeof(IpcChannel).Assembly.GetName().Version!.ToString()),
            ("C compiler", Version("gcc", "--version") + ", -O2"),
            ("Python", Version("/usr/bin/python3", "--version")),
        };
    }

    /// <summary>The real pwsh, found by tools/pwsh (which tests/bench/run calls) and passed in PSIPC_PWSH_DLL.</summary>
    private static string PwshDll => Environment.GetEnvironmentVariable("PSIPC_PWSH_DLL") ?? "(PSIPC_PWSH_DLL, the path of pwsh.dll)";

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "PSIpc.psd1")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Run PSIpc.Bench from inside the repository.");
    }
}

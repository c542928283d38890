using System;
using System.Globalization;
using PSIpc.Bench;

// PSIpc.Bench all [--reps N] [--scale F] [--out DIR] [--only mech,mech]
//     the side-by-side benchmark (tests/bench/run builds everything and calls this): every mechanism in C, Python,
//     the .NET API and the cmdlets, repeated, then out/bench/report.md and report.png.
// PSIpc.Bench api <mechanism> rt|oneway <size> <count>
//     the .NET API column alone; prints <seconds> <p50 ns> <p99 ns> like tests/bench/ipc_bench.c.
// PSIpc.Bench inprocess <count> [pipe,queues,ring,signal]
//     the module's own cost per message in one thread (nothing waits): pipe pairs and the sender layer by layer, queue
//     pairs, the ring; and the runtime's signal dispatch (which spins for minutes under perf: leave it out there).
//     FINDINGS.md's figures come from all parts in one run: a part run alone starts with less of the code optimized.
// PSIpc.Bench report <results.tsv> <out dir>
//     rebuilds the report from a results file.
// api-child and api-signal-child are the peers the api mode starts.
internal static class Program
{
    private static int Main(string[] args)
    {
        static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        switch (args.Length > 0 ? args[0] : string.Empty)
        {
            case "all":
                return Orchestrator.Run(args[1..]);
            case "report" when args.Length == 3:
                Report.Write(Orchestrator.ReadResults(args[1]), args[2], Orchestrator.MachineDetails());
                return 0;
            case "api" when args.Length == 5:
                return ApiBench.Parent(args[1], args[2] == "rt", Int(args[3]), Long(args[4]));
            case "inprocess" when args.Length is 2 or 3:
                return InProcess.Run(Long(args[1]), args.Length == 3 ? args[2].Split(',') : null);
            case "api-child" when args.Length >= 6:
                return ApiBench.Child(args[1], args[2] == "rt", Int(args[3]), Long(args[4]), args[5..]);
            case "api-signal-child" when args.Length == 3:
                return ApiBench.SignalChild(Int(args[1]), Long(args[2]));
            default:
                Console.Error.WriteLine("usage: PSIpc.Bench all [--reps N] [--scale F] [--out DIR] [--only pipe,fifo,...,statement]");
                Console.Error.WriteLine("       PSIpc.Bench api pipe|fifo|sysv|posix|unix|tcp|ring|signal rt|oneway <size> <count>");
                Console.Error.WriteLine("       PSIpc.Bench inprocess <count> [pipe,queues,ring,signal]");
                Console.Error.WriteLine("       PSIpc.Bench report <results.tsv> <out dir>");
                return 2;
        }
    }
}

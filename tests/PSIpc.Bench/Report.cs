using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ScottPlot;
using SkiaSharp;

namespace PSIpc.Bench;

/// <summary>Turns the samples into out/bench/report.md (tables, each figure with its ratio to C) and report.png.</summary>
internal static class Report
{
    private sealed record Stat(double Median, double Min, double Max, int N);

    private static readonly (string Workload, string Title, string Unit, bool Latency)[] Tables =
    {
        ("rt", "Round trip, 16 B: p50 latency", "µs", true),
        ("rt99", "Round trip, 16 B: p99 latency", "µs", true),
        ("rtu", "Round trip, 16 B, unpinned (each process may run on either CPU): p50 latency", "µs", true),
        ("ow16", "One way, 16 B messages: throughput", "messages/s", false),
        ("owL", "One way, large messages (64 KiB; 4 KiB on queues): throughput", "MB/s", false),
    };

    public static string Write(IReadOnlyList<Sample> samples, string outDir, IReadOnlyList<(string, string)> machine)
    {
        var stats = Aggregate(samples);
        var md = new StringBuilder();
        md.AppendLine("# PSIpc benchmark report").AppendLine();
        md.AppendLine("| machine | |").AppendLine("| --- | --- |");
        foreach ((string k, string v) in machine)
        {
            md.AppendLine($"| {k} | {v} |");
        }

        int reps = samples.Count == 0 ? 0 : samples.Max(s => s.Rep);
        md.AppendLine().AppendLine(
            $"Each cell: the median of {reps} repetitions, [min–max], and (×C) the speed relative to C's median: " +
            "throughput ÷ C's, or C's latency ÷ this latency, so 1 is as fast as C and 0.5 half as fast. Repetitions " +
            "run in turn across all implementations, so the machine's noise falls on all of them alike. Round trips run " +
            $"with both processes pinned to one CPU (taskset -c {Orchestrator.PinnedCpu}): unpinned, waking a process on the " +
            "other vCPU costs this VM 50-60 µs at random, which hides every implementation's own cost; one-way runs use " +
            "both CPUs, and so does the unpinned round-trip table (C, Python and the .NET API only), which shows what a wake-up on the " +
            "other CPU costs. The cmdlets' " +
            "latency includes the script loop around Send-IpcMessage and Receive-IpcMessage, as a user's would. " +
            "Batched = Bytes with `Send-IpcMessage -BatchSize 64` (stream channels, one way). n/a: not measured (see notes below).").AppendLine();

        foreach ((string wl, string title, string unit, bool latency) in Tables)
        {
            md.AppendLine($"## {title} ({unit})").AppendLine();
            string[] impls = Orchestrator.Impls.Where(i => stats.Keys.Any(k => k.Workload == Base(wl) && k.Impl == i)).ToArray();
            md.AppendLine("| mechanism | " + string.Join(" | ", impls) + " |");
            md.AppendLine("| --- |" + string.Concat(impls.Select(_ => " ---: |")));
            foreach (string mech in Orchestrator.Mechanisms.Where(m => stats.Keys.Any(k => k.Mechanism == m && k.Workload == Base(wl))))
            {
                stats.TryGetValue((mech, wl, "C"), out Stat? c);
                var cells = impls.Select(impl =>
                {
                    if (!stats.TryGetValue((mech, wl, impl), out Stat? s))
                    {
                        return samples.Any(x => x.Mechanism == mech && x.Workload == Base(wl) && x.Impl == impl && x.Error is not null) ? "failed" : "n/a";
                    }

                    string ratio = c is null ? string.Empty : $" (×{Fmt(Ratio(s.Median, c.Median, latency))})";
                    return $"{Fmt(s.Median)} [{Fmt(s.Min)}–{Fmt(s.Max)}]{ratio}";
                });
                md.AppendLine($"| {mech} | " + string.Join(" | ", cells) + " |");
            }

            md.AppendLine();
        }

        StatementTable(md, stats);
        var failures = samples.Where(s => s.Error is not null).ToList();
        if (failures.Count > 0)
        {
            md.AppendLine("## Failed runs").AppendLine();
            foreach (Sample f in failures)
            {
                md.AppendLine($"- repetition {f.Rep}, {f.Mechanism} {f.Workload} {f.Impl}: {f.Error}");
            }

            md.AppendLine();
        }

        string notes = Path.Combine(AppContext.BaseDirectory, "FINDINGS.md");
        if (File.Exists(notes))
        {
            md.AppendLine(File.ReadAllText(notes).Trim()).AppendLine();
        }

        md.AppendLine("![Speed relative to C](report.png)");
        string text = md.ToString();
        File.WriteAllText(Path.Combine(outDir, "report.md"), text);
        Chart(stats, Path.Combine(outDir, "report.png"));
        return text;
    }

    /// <summary>The statement-cost rows: a PSIpc statement next to a built-in of the same binding shape, in one warm pwsh.</summary>
    private static void StatementTable(StringBuilder md, Dictionary<(string Mechanism, string Workload, string Impl), Stat> stats)
    {
        var rows = stats.Keys.Where(k => k.Mechanism == Orchestrator.StatementMechanism && k.Impl.StartsWith("PSIpc: ", StringComparison.Ordinal)).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## Statement cost in one warm pwsh (µs per statement)").AppendLine();
        md.AppendLine("Each statement runs in a compiled loop, best of 5 rounds after a warm-up (tests/bench/StatementCost.ps1); " +
            "the built-in has the same binding shape. Ratio: PSIpc ÷ built-in, so 1 costs the same and 2 twice as much.").AppendLine();
        md.AppendLine("| binding shape | PSIpc statement | µs | built-in statement | µs | ratio |");
        md.AppendLine("| --- | --- | ---: | --- | ---: | ---: |");
        foreach (var key in rows)
        {
            var builtin = stats.Keys.FirstOrDefault(k => k.Mechanism == key.Mechanism && k.Workload == key.Workload && k.Impl.StartsWith("built-in: ", StringComparison.Ordinal));
            Stat ours = stats[key];
            string b = builtin.Impl is null ? "n/a" : builtin.Impl["built-in: ".Length..];
            Stat? theirs = builtin.Impl is null ? null : stats[builtin];
            md.AppendLine($"| {key.Workload} | `{key.Impl["PSIpc: ".Length..]}` | {Fmt(ours.Median)} [{Fmt(ours.Min)}–{Fmt(ours.Max)}] | `{b}` | " +
                $"{(theirs is null ? "n/a" : $"{Fmt(theirs.Median)} [{Fmt(theirs.Min)}–{Fmt(theirs.Max)}]")} | {(theirs is null ? "n/a" : Fmt(ours.Median / theirs.Median))} |");
        }

        md.AppendLine();
    }

    private static string Base(string wl) => wl == "rt99" ? "rt" : wl;

    private static double Ratio(double value, double c, bool latency) => latency ? c / value : value / c;

    private static Dictionary<(string Mechanism, string Workload, string Impl), Stat> Aggregate(IEnumerable<Sample> samples)
    {
        var result = new Dictionary<(string, string, string), Stat>();
        foreach (var g in samples.Where(s => s.Error is null && s.Seconds > 0).GroupBy(s => (s.Mechanism, s.Workload, s.Impl)))
        {
            result[g.Key] = Summarize(g.Select(s => s.Value));
            if (g.Key.Workload == "rt")
            {
                result[(g.Key.Mechanism, "rt99", g.Key.Impl)] = Summarize(g.Select(s => s.P99Ns / 1000));
            }
        }

        return result;
    }

    private static Stat Summarize(IEnumerable<double> values)
    {
        double[] v = values.OrderBy(x => x).ToArray();
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new Stat(median, v[0], v[^1], v.Length);
    }

    /// <summary>Three significant digits, thousands grouped.</summary>
    private static string Fmt(double x)
    {
        if (x == 0 || double.IsNaN(x) || double.IsInfinity(x))
        {
            return x.ToString(CultureInfo.InvariantCulture);
        }

        int digits = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(x))));
        return Math.Round(x, digits).ToString("#,0." + new string('#', digits), CultureInfo.InvariantCulture);
    }

    /// <summary>One panel per workload: bars of log10(speed relative to C) per mechanism, one colour per implementation.</summary>
    private static void Chart(Dictionary<(string Mechanism, string Workload, string Impl), Stat> stats, string path)
    {
        const int width = 1400, panel = 420;
        var panels = Tables.Where(t => t.Workload != "rt99").ToArray();
        using var surface = SKSurface.Create(new SKImageInfo(width, panel * panels.Length));
        surface.Canvas.Clear(SKColors.White);
        string[] impls = Orchestrator.Impls;
        for (int p = 0; p < panels.Length; p++)
        {
            (string wl, string title, _, bool latency) = panels[p];
            var plot = new Plot();
            string[] mechs = Orchestrator.Mechanisms.Where(m => stats.ContainsKey((m, wl, "C"))).ToArray();
            double groupWidth = impls.Length + 1;
            for (int m = 0; m < mechs.Length; m++)
            {
                Stat c = stats[(mechs[m], wl, "C")];
                for (int i = 0; i < impls.Length; i++)
                {
                    if (!stats.TryGetValue((mechs[m], wl, impls[i]), out Stat? s))
                    {
                        continue;
                    }

                    double r = Ratio(s.Median, c.Median, latency);
                    plot.Add.Bar(new Bar
                    {
                        Position = m * groupWidth + i,
                        Value = Math.Log10(r),
                        ValueBase = 0,
                        FillColor = Palette(i),
                        Size = 0.9,
                    });
                }
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                mechs.Select((_, m) => m * groupWidth + (impls.Length - 1) / 2.0).ToArray(), mechs);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(-4, 7).Select(e => (double)e).ToArray(),
                Enumerable.Range(-4, 7).Select(e => Math.Pow(10, e).ToString("0.####", CultureInfo.InvariantCulture)).ToArray());
            plot.Axes.SetLimitsY(-3.2, 2.2);
            plot.Add.HorizontalLine(0, 1, ScottPlot.Colors.Black);
            plot.Title(title + " — speed relative to C (log scale, 1 = C)");
            plot.YLabel("× C");
            foreach ((string impl, int i) in impls.Select((x, i) => (x, i)))
            {
                if (stats.Keys.Any(k => k.Workload == wl && k.Impl == impl))
                {
                    plot.Legend.ManualItems.Add(new LegendItem { LabelText = impl, FillColor = Palette(i) });
                }
            }

            plot.ShowLegend(Edge.Right);
            byte[] png = plot.GetImage(width, panel).GetImageBytes();
            using SKBitmap bitmap = SKBitmap.Decode(png);
            surface.Canvas.DrawBitmap(bitmap, 0, p * panel);
        }

        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static ScottPlot.Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);
}

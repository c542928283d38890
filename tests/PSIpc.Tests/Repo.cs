using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;

namespace PSIpc.Tests;

/// <summary>Where the repository and PSIpc.Host are, and how to run the host as a separate process.</summary>
internal static class Repo
{
    public static string Root { get; } = Metadata("RepoRoot");

    public static string HostPath { get; } = Metadata("HostPath");

    public static string Path(params string[] parts) => System.IO.Path.Combine(new[] { Root }.Concat(parts).ToArray());

    /// <summary>Runs PSIpc.Host with <paramref name="arguments"/> from the repo root; kills it after <paramref name="timeout"/>.</summary>
    public static HostResult RunHost(IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(HostPath)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var kv in environment)
            {
                psi.Environment[kv.Key] = kv.Value;
            }
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("PSIpc.Host did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"PSIpc.Host {string.Join(' ', arguments)} did not finish within {timeout}.\nstdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
        }

        return new HostResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

internal sealed record HostResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => new StringBuilder()
        .AppendLine($"exit code {ExitCode}")
        .AppendLine("stdout:").AppendLine(StdOut)
        .AppendLine("stderr:").AppendLine(StdErr)
        .ToString();
}

/// <summary>One test result line written by PesterCompat's -ResultFile.</summary>
internal sealed record PesterResult(string Result, string Name, string Message, string File)
{
    public static IReadOnlyList<PesterResult> Read(string path) => System.IO.File.ReadAllLines(path)
        .Where(l => l.Length > 0)
        .Select(l => l.Split('\t'))
        .Select(p => new PesterResult(Unescape(p[0]), Unescape(p[1]), Unescape(p[2]), Unescape(p[3])))
        .ToList();

    private static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                char n = s[++i];
                sb.Append(n switch { 'n' => '\n', 't' => '\t', _ => n });
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}

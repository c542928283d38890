using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;

namespace PSIpc.Tests;

/// <summary>Where the repository, the real pwsh and Pester are, and how to run pwsh as a separate process.</summary>
internal static class Repo
{
    public static string Root { get; } = Metadata("RepoRoot");

    /// <summary>pwsh.dll of the PowerShell tool package (started with dotnet, so its pid and signals are real).</summary>
    public static string PwshPath { get; } = Metadata("PwshPath");

    public static string Path(params string[] parts) => System.IO.Path.Combine(new[] { Root }.Concat(parts).ToArray());

    /// <summary>Runs <c>dotnet pwsh.dll</c> with <paramref name="arguments"/> from the repo root; kills it after <paramref name="timeout"/>.</summary>
    public static ProcessResult RunPwsh(IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!File.Exists(PwshPath))
        {
            throw new FileNotFoundException($"The PowerShell tool package is not restored: {PwshPath} is missing (dotnet restore downloads it).", PwshPath);
        }

        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(PwshPath);
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        // No debugger pipes or diagnostics sockets left in /tmp by the suite's own pwsh.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("pwsh did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"pwsh {string.Join(' ', arguments)} did not finish within {timeout}.\nstdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => new StringBuilder()
        .AppendLine($"exit code {ExitCode}")
        .AppendLine("stdout:").AppendLine(StdOut)
        .AppendLine("stderr:").AppendLine(StdErr)
        .ToString();
}

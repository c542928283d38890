using System;
using System.IO;
using Xunit;

namespace PSIpc.Tests;

/// <summary>PSIpc.Host follows pwsh's command line and exit codes.</summary>
public sealed class HostTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Fact]
    public void CommandOutputIsFormattedOnStdout()
    {
        HostResult r = Repo.RunHost(new[] { "-NoProfile", "-Command", "'hello'; [pscustomobject]@{ A = 1; B = 'x' }" }, Limit);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("hello", r.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"A B\s*\n- -\s*\n1 x", r.StdOut.Replace("\r", string.Empty, StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.StdErr);
    }

    [Fact]
    public void ErrorsGoToStderrAndTheLastStatementDecidesTheExitCode()
    {
        HostResult failed = Repo.RunHost(new[] { "-NoProfile", "-Command", "Get-Command -Name no-such-command" }, Limit);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("no-such-command", failed.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-command", failed.StdOut, StringComparison.Ordinal);

        HostResult recovered = Repo.RunHost(new[] { "-NoProfile", "-Command", "Get-Command -Name no-such-command; 'after'" }, Limit);
        Assert.Equal(0, recovered.ExitCode);
        Assert.Contains("after", recovered.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitSetsTheExitCode()
    {
        Assert.Equal(7, Repo.RunHost(new[] { "-NoProfile", "-Command", "exit 7" }, Limit).ExitCode);
    }

    [Fact]
    public void AnUnhandledThrowGivesOne()
    {
        HostResult r = Repo.RunHost(new[] { "-NoProfile", "-Command", "throw 'boom'; 'not reached'" }, Limit);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("boom", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("not reached", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandDashReadsTheScriptFromStdin()
    {
        HostResult r = Repo.RunHost(new[] { "-NoProfile", "-NonInteractive", "-Command", "-" }, Limit, standardInput: "'from stdin'\nexit 4\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("from stdin", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void FileRunsAScriptWithNamedAndPositionalArguments()
    {
        string script = Path.Combine(Path.GetTempPath(), $"psipc-host-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(script, "param($Name, [switch]$Loud, $Rest) \"name=$Name loud=$Loud rest=$Rest root=$PSScriptRoot\"; exit 3\n");
        try
        {
            HostResult r = Repo.RunHost(new[] { "-NoProfile", "-File", script, "-Name", "a b", "-Loud", "it's" }, Limit);
            Assert.Equal(3, r.ExitCode);
            Assert.Contains($"name=a b loud=True rest=it's root={Path.GetDirectoryName(script)}", r.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void AMissingFileIsAUsageError()
    {
        HostResult r = Repo.RunHost(new[] { "-File", "/no/such/script.ps1" }, Limit);
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("not recognized as the name of a script file", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownParameterIsAUsageError()
    {
        HostResult r = Repo.RunHost(new[] { "-Bogus" }, Limit);
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("Usage", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void NonInteractiveRefusesToPrompt()
    {
        HostResult r = Repo.RunHost(new[] { "-NoProfile", "-NonInteractive", "-Command", "$host.UI.ReadLine()" }, Limit);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NonInteractive", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHostDoesNotShipTheModuleOrTmdsLibC()
    {
        string dir = Path.GetDirectoryName(Repo.HostPath)!;
        Assert.False(File.Exists(Path.Combine(dir, "PSIpc.dll")));
        Assert.False(File.Exists(Path.Combine(dir, "Tmds.LibC.dll")));
        Assert.False(Directory.Exists(Path.Combine(dir, "runtimes", "linux-x64", "lib", "netstandard2.0")));
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace PSIpc.Tests;

/// <summary>
/// Runs each tests/*.Tests.ps1 under real Pester in a fresh real pwsh (tools/PesterTest.ps1); a failing It fails the
/// file's test, which names every failed test by its full path with its message.
/// </summary>
public sealed class PesterSuiteTests
{
    private readonly ITestOutputHelper output;

    public PesterSuiteTests(ITestOutputHelper output) => this.output = output;

    public static IEnumerable<object[]> TestFiles() =>
        Directory.GetFiles(Repo.Path("tests"), "*.Tests.ps1")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new object[] { System.IO.Path.GetFileName(f) });

    [Fact]
    public void TheSuiteHasTestFiles()
    {
        Assert.NotEmpty(TestFiles());
    }

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void PesterFilePasses(string file)
    {
        string results = Repo.Path("out", "test-results", System.IO.Path.GetFileNameWithoutExtension(file) + ".xml");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(results)!);
        File.Delete(results);
        ProcessResult run = Repo.RunPwsh(
            new[] { "-NoProfile", "-NonInteractive", "-File", Repo.Path("tools", "PesterTest.ps1"), "-Path", Repo.Path("tests", file), "-ResultPath", results },
            TimeSpan.FromMinutes(15));
        Assert.True(File.Exists(results), $"Pester wrote no results for {file}.\n{run}");
        XDocument doc = XDocument.Load(results);
        var cases = doc.Descendants("test-case").ToList();
        var failed = cases.Where(c => (string?)c.Attribute("result") is "Failure" or "Error").ToList();
        var skipped = cases.Where(c => (string?)c.Attribute("executed") == "False").ToList();
        output.WriteLine($"{file}: {cases.Count - failed.Count - skipped.Count} passed, {failed.Count} failed, {skipped.Count} skipped");

        // The skip reasons are in Pester's detailed output ("[!] <name> is skipped, because <reason>").
        foreach (string line in run.StdOut.Split('\n').Where(l => l.Contains("is skipped", StringComparison.Ordinal)))
        {
            output.WriteLine("  " + line.Trim());
        }

        string report = string.Join("\n\n", failed.Select(c =>
            $"[-] {(string?)c.Attribute("name")}\n    " +
            ((string?)c.Element("failure")?.Element("message") ?? string.Empty).Replace("\n", "\n    ", StringComparison.Ordinal)));
        Assert.True(failed.Count == 0, $"{failed.Count} of {cases.Count} tests in {file} failed:\n\n{report}\n\n{run}");
        Assert.True(cases.Any(c => (string?)c.Attribute("result") == "Success"), $"No test in {file} passed.\n{run}");
        Assert.True(run.ExitCode == 0, $"Pester ended {file} with exit code {run.ExitCode} (a block or container failed).\n{run}");
    }
}

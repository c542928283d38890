using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace PSIpc.Tests;

/// <summary>Runs each tests/*.Tests.ps1 through PesterCompat in PSIpc.Host; a failing It fails the file's test, named with its message.</summary>
public sealed class PesterSuiteTests
{
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
        string results = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"psipc-pester-{Guid.NewGuid():N}.tsv");
        try
        {
            HostResult run = Repo.RunHost(
                new[] { "-NoProfile", "-NonInteractive", "-File", Repo.Path("tests", "PesterCompat", "Run-PesterCompat.ps1"), "-Path", Repo.Path("tests", file), "-ResultFile", results },
                TimeSpan.FromMinutes(10));
            Assert.True(File.Exists(results), $"PesterCompat wrote no results for {file}.\n{run}");
            IReadOnlyList<PesterResult> all = PesterResult.Read(results);
            List<PesterResult> failed = all.Where(r => r.Result == "Failed").ToList();
            string report = string.Join("\n\n", failed.Select(f => $"[-] {f.Name}\n    {f.Message.Replace("\n", "\n    ", StringComparison.Ordinal)}"));
            Assert.True(failed.Count == 0, $"{failed.Count} of {all.Count} tests in {file} failed:\n\n{report}\n\n{run}");
            Assert.True(all.Any(r => r.Result == "Passed"), $"No test in {file} passed.\n{run}");
            Assert.Equal(0, run.ExitCode);
        }
        finally
        {
            File.Delete(results);
        }
    }
}

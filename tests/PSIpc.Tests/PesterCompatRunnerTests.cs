using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace PSIpc.Tests;

/// <summary>The compatible runner must be able to fail: these run its fixtures and check what it reports.</summary>
public sealed class PesterCompatRunnerTests
{
    [Fact]
    public void ScopingFixturePasses()
    {
        (HostResult run, IReadOnlyList<PesterResult> results) = RunFixture("Scoping.Fixture.ps1");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(results, r => r.Result == "Failed");
        Assert.Equal(7, results.Count(r => r.Result == "Passed"));
        Assert.Single(results, r => r.Result == "Skipped");
        Assert.Contains(results, r => r.Name == "Scoping.inner.case 2 plus 2");
    }

    [Fact]
    public void FailingFixtureFailsEachBrokenTest()
    {
        string mark = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"psipc-afterall-{Guid.NewGuid():N}");
        try
        {
            (HostResult run, IReadOnlyList<PesterResult> results) = RunFixture("Failing.Fixture.ps1", new Dictionary<string, string> { ["PC_AFTERALL_MARK"] = mark });
            Assert.Equal(1, run.ExitCode);
            Dictionary<string, PesterResult> byName = results.ToDictionary(r => r.Name);
            Assert.Equal("Passed", byName["Failing.passes"].Result);
            Assert.Equal("Failed", byName["Failing.fails an assertion"].Result);
            Assert.Contains("Expected 2, but got 1.", byName["Failing.fails an assertion"].Message, StringComparison.Ordinal);
            Assert.Equal("Failed", byName["Failing.fails with -Not"].Result);
            Assert.Equal("Failed", byName["Failing.fails on an unknown operator"].Result);
            Assert.Contains("BeSomethingElse", byName["Failing.fails on an unknown operator"].Message, StringComparison.Ordinal);
            Assert.Equal("Failed", byName["Failing.fails when no exception is thrown"].Result);
            Assert.Equal("Failed", byName["Failing.fails on a wrong error id"].Result);
            Assert.Equal("Failed", byName["Failing.fails on an exception"].Result);
            Assert.Equal("Failed", byName["Failing.broken setup.fails because BeforeAll failed"].Result);
            Assert.Contains("setup broke", byName["Failing.broken setup.fails because BeforeAll failed"].Message, StringComparison.Ordinal);
            Assert.Equal("Failed", byName["Failing.teardown runs.fails"].Result);
            Assert.Equal("ran", File.ReadAllText(mark));
            Assert.Contains("Tests Passed: 1, Failed: 8, Skipped: 0", run.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(mark);
        }
    }

    [Fact]
    public void AFileWithNoTestsIsNotAPass()
    {
        HostResult run = RunTestFile("Describe 'nothing' { }\n");
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void ADiscoveryErrorFailsTheFile()
    {
        HostResult run = RunTestFile("Describe 'broken' { It 'x' { 1 | Should -Be 1 } }\nthrow 'discovery broke'\n");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("discovery broke", run.StdOut, StringComparison.Ordinal);
    }

    private static HostResult RunTestFile(string content)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"psipc-runner-{Guid.NewGuid():N}.Tests.ps1");
        File.WriteAllText(file, content);
        try
        {
            return Repo.RunHost(new[] { "-NoProfile", "-File", Repo.Path("tests", "PesterCompat", "Run-PesterCompat.ps1"), "-Path", file }, TimeSpan.FromMinutes(2));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (HostResult Run, IReadOnlyList<PesterResult> Results) RunFixture(string fixture, IDictionary<string, string>? environment = null)
    {
        string results = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"psipc-fixture-{Guid.NewGuid():N}.tsv");
        try
        {
            HostResult run = Repo.RunHost(
                new[] { "-NoProfile", "-NonInteractive", "-File", Repo.Path("tests", "PesterCompat", "Run-PesterCompat.ps1"), "-Path", Repo.Path("tests", "PesterCompat", "fixtures", fixture), "-ResultFile", results },
                TimeSpan.FromMinutes(2),
                environment: environment);
            return (run, PesterResult.Read(results));
        }
        finally
        {
            File.Delete(results);
        }
    }
}

# The examples the README points at run and say what the README says they say.
BeforeAll {
    . $PSScriptRoot/common.ps1
    function Invoke-Example {
        param([string]$Name)
        Wait-TestPeer (Start-PwshProcess -ArgumentList '-File', (Join-Path $RepoRoot "examples/$Name")) -TimeoutSeconds 60
    }
}

AfterAll {
    Remove-TestRoot
}

Describe 'examples' -Tag 'Peer', 'Slow' {
    It 'Demo.ps1: a parent and a child PowerShell talk through two pipes' {
        $result = Invoke-Example 'Demo.ps1'
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $lines = $result.StdOut.Trim() -split "`n" | ForEach-Object { $_.Trim() }
        $lines[0] | Should -Match '^parent \d+ started child \d+$'
        $lines[1] | Should -Match '^answer from child \d+: job1 sums to 55$'
        $lines[2] | Should -Match 'job2 sums to 210$'
        $lines[3] | Should -Match 'job3 sums to 465$'
        $lines[4] | Should -Be 'child exited with code 0'
    }

    It 'PipeToChild.ps1: the classic pipe example prints what the parent wrote' {
        $result = Invoke-Example 'PipeToChild.ps1'
        $result.ExitCode | Should -Be 0
        $result.StdOut.Trim() | Should -Be 'Child received: Hello, child!'
    }
}

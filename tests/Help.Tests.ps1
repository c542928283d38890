# Help: the docs/ pages (PlatyPS markdown) agree with the compiled cmdlets, Get-Help shows what they say, and every
# example in them runs, so the documentation cannot rot.
# Discovery: the pages and their examples (top-level code runs at discovery, in Pester 5 as in PesterCompat).
$docsDir = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', 'docs'))
$fence = [string]::new([char]96, 3)
$examples = [System.Collections.Generic.List[hashtable]]::new()
$pages = [System.Collections.Generic.List[hashtable]]::new()
foreach ($file in [System.IO.Directory]::GetFiles($docsDir, '*-*.md')) {
    $name = [System.IO.Path]::GetFileNameWithoutExtension($file)
    $pages.Add(@{ Name = $name; File = $file })
    $text = [System.IO.File]::ReadAllText($file)
    $section = $text.Substring($text.IndexOf('## EXAMPLES'))
    $section = $section.Substring(0, $section.IndexOf('## PARAMETERS'))
    $found = [regex]::Matches($section, "### (Example \d+: [^\n]+)\n+${fence}powershell\n(.*?)\n$fence", 'Singleline')
    foreach ($m in $found) { $examples.Add(@{ Name = $name; Title = $m.Groups[1].Value; Code = $m.Groups[2].Value }) }
}
BeforeAll {
    . $PSScriptRoot/common.ps1

    function Get-KernelObjectNames {
        # What an example could leave behind: POSIX objects by path, System V objects by kind and id.
        $names = [System.Collections.Generic.List[string]]::new()
        foreach ($dir in '/dev/shm', '/dev/mqueue') {
            if ([System.IO.Directory]::Exists($dir)) { $names.AddRange([System.IO.Directory]::GetFileSystemEntries($dir)) }
        }
        foreach ($id in Get-SysVQueueIds) { $names.Add("msq:$id") }
        foreach ($id in Get-SysVSegmentIds) { $names.Add("shm:$id") }
        , $names
    }

    function Invoke-DocExample {
        # Runs an example in a fresh runspace of its own with the module imported, as a user would paste it, and
        # returns its errors (non-terminating ones included) and the kernel objects it left behind, as text.
        param([string]$Code)
        $before = Get-KernelObjectNames
        # A runspace of its own, closed at the end ([powershell]::Create($iss) would leave its runspace open).
        $runspace = [runspacefactory]::CreateRunspace([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$ErrorActionPreference = 'Stop'").Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript($Code)
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne(60000)) {
                $ps.Stop()
                throw 'The example did not finish within 60 s.'
            }
            $output = $ps.EndInvoke($async)
            $errors = @($ps.Streams.Error | ForEach-Object { "$_ ($($_.FullyQualifiedErrorId))" })
        }
        catch {
            $output = $null
            $errors = @("$($_.Exception.InnerException.Message ?? $_.Exception.Message)")
        }
        finally {
            $ps.Dispose()
            $runspace.Dispose()
        }

        # Closing the runspace releases what the session still holds, as closing pwsh would; the engine reports the
        # close on another thread, so allow it 5 s. Anything left after that is a leak.
        $deadline = [datetime]::UtcNow.AddSeconds(5)
        do {
            $left = @((Get-KernelObjectNames) | Where-Object { -not $before.Contains($_) })
            if ($left.Count -gt 0) { [System.Threading.Thread]::Sleep(20) }
        } while ($left.Count -gt 0 -and [datetime]::UtcNow -lt $deadline)
        if ($left.Count -gt 0) { $errors += "The example left behind: $($left -join ', ')" }
        [pscustomobject]@{ Output = $output; Errors = $errors }
    }
}

AfterAll {
    Remove-TestRoot
}

Describe 'the examples in docs/' {
    It '<Name>: <Title>' -ForEach $examples {
        $result = Invoke-DocExample $Code
        $result.Errors | Should -BeNullOrEmpty
    }
}

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

    function Invoke-DocExample {
        # Runs an example in a fresh runspace of its own with the module imported, as a user would paste it, and
        # returns its errors (non-terminating ones included) as text.
        param([string]$Code)
        $iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $ps = [powershell]::Create($iss)
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$ErrorActionPreference = 'Stop'").Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript($Code)
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne(60000)) {
                $ps.Stop()
                return [pscustomobject]@{ Output = $null; Errors = @('The example did not finish within 60 s.') }
            }
            $output = $ps.EndInvoke($async)
            $errors = @($ps.Streams.Error | Where-Object { $_.FullyQualifiedErrorId -notmatch 'ResourceBusy|Timeout|OperationTimeout' -or $Code -notmatch 'SilentlyContinue' })
            [pscustomobject]@{ Output = $output; Errors = @($errors | ForEach-Object { "$_ ($($_.FullyQualifiedErrorId))" }) }
        }
        catch {
            [pscustomobject]@{ Output = $null; Errors = @("$($_.Exception.InnerException.Message ?? $_.Exception.Message)") }
        }
        finally {
            $ps.Dispose()
        }
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

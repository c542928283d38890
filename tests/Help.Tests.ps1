# Help: the docs/ pages (PlatyPS markdown) agree with the compiled cmdlets, Get-Help shows what they say, and every
# example in them runs, so the documentation cannot rot.
BeforeDiscovery {
    # The pages and their examples, one test case each.
    $fence = [string]::new([char]96, 3)
    $examples = [System.Collections.Generic.List[hashtable]]::new()
    $pages = [System.Collections.Generic.List[hashtable]]::new()
    foreach ($file in Get-ChildItem -Path (Join-Path $PSScriptRoot '../docs') -Filter '*-*.md') {
        $pages.Add(@{ Name = $file.BaseName; File = $file.FullName })
        $text = Get-Content -LiteralPath $file.FullName -Raw
        $section = $text.Substring($text.IndexOf('## EXAMPLES'))
        $section = $section.Substring(0, $section.IndexOf('## PARAMETERS'))
        $found = [regex]::Matches($section, "### (Example \d+: [^\n]+)\n+${fence}powershell\n(.*?)\n$fence", 'Singleline')
        foreach ($m in $found) { $examples.Add(@{ Name = $file.BaseName; Title = $m.Groups[1].Value; Code = $m.Groups[2].Value }) }
    }
}

BeforeAll {
    . $PSScriptRoot/common.ps1

    function Get-KernelObjectNames {
        # What an example could leave behind: POSIX objects by path, System V objects by kind and id.
        $names = [System.Collections.Generic.List[string]]::new()
        foreach ($dir in '/dev/shm', '/dev/mqueue') {
            Get-ChildItem -LiteralPath $dir -Force -ErrorAction Ignore | ForEach-Object { $names.Add($_.FullName) }
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
        $started = [datetime]::UtcNow.AddSeconds(-1)
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
        # Start-Job's processes, which Remove-Job kills, leave their host pipes (CoreFxPipe_PSHost.*.<pid>.*) behind.
        Get-ChildItem -Path ([System.IO.Path]::GetTempPath()) -Filter 'CoreFxPipe_PSHost.*' -Force -ErrorAction Ignore |
            Where-Object LastWriteTimeUtc -GE $started | ForEach-Object {
                $owner = Get-Process -Id ([int]$_.Name.Split('.')[2]) -ErrorAction Ignore
                if ($owner -and $owner.Id -ne $PID) { $null = $owner.WaitForExit(10000) }
                if (-not $owner -or $owner.HasExited) { Remove-Item -LiteralPath $_.FullName -Force -ErrorAction Ignore }
            }
        $deadline = [datetime]::UtcNow.AddSeconds(5)
        do {
            $left = @((Get-KernelObjectNames) | Where-Object { -not $before.Contains($_) })
            if ($left.Count -gt 0) { Start-Sleep -Milliseconds 20 }
        } while ($left.Count -gt 0 -and [datetime]::UtcNow -lt $deadline)
        if ($left.Count -gt 0) { $errors += "The example left behind: $($left -join ', ')" }
        [pscustomobject]@{ Output = $output; Errors = $errors }
    }
}

AfterAll {
    Remove-TestRoot
}

Describe 'the examples in docs/' -Tag 'Slow' {
    It '<Name>: <Title>' -ForEach $examples {
        $result = Invoke-DocExample $Code
        $result.Errors | Should -BeNullOrEmpty
    }
}

Describe 'the docs/ pages and the compiled cmdlets' {
    BeforeAll {
        function Get-PageParameters {
            # The PARAMETERS section of a page: name -> the yaml metadata block, as a hashtable.
            param([string]$File)
            $text = (Get-Content -LiteralPath $File -Raw)
            $result = @{}
            foreach ($m in [regex]::Matches($text, '(?ms)^### -(\w+)\n(.*?)```yaml\n(.*?)```')) {
                $meta = @{ Description = $m.Groups[2].Value.Trim() }
                foreach ($line in $m.Groups[3].Value.Split("`n")) {
                    $colon = $line.IndexOf(':')
                    if ($colon -gt 0) { $meta[$line.Substring(0, $colon).Trim()] = $line.Substring($colon + 1).Trim() }
                }
                $result[$m.Groups[1].Value] = $meta
            }
            $result
        }

        function Get-DocTypeName([type]$Type) {
            # How the pages name a parameter's type (PlatyPS's convention): Nullable<T> as T, switches as SwitchParameter.
            if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
            if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return $Type.GetGenericArguments()[0].Name }
            $Type.Name
        }

        function Get-DocDefault {
            # A parameter's default as the pages write it: the value a new cmdlet object holds, or None when that is
            # empty (null, 0, false, an empty string or array) or the parameter is mandatory everywhere.
            param($Command, $Parameter)
            if (@($Parameter.ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count -eq 0) { return 'None' }
            $property = $Command.ImplementingType.GetProperty($Parameter.Name)
            if (-not $property -or $property.DeclaringType -ne $Command.ImplementingType) { return 'None' }
            $v = $property.GetValue([Activator]::CreateInstance($Command.ImplementingType))
            if ($null -eq $v) { return 'None' }
            if ($v -is [System.Management.Automation.SwitchParameter]) { if ($v.IsPresent) { return 'True' } else { return 'None' } }
            if ($v -is [array]) { if ($v.Count -eq 0) { return 'None' } else { return (@($v | ForEach-Object { "$_" }) -join ', ') } }
            if ("$v" -eq '' -or (($v -is [int] -or $v -is [long]) -and $v -eq 0) -or ($v -is [bool] -and -not $v)) { return 'None' }
            "$v"
        }

        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $docsDir = [System.IO.Path]::Combine($RepoRoot, 'docs')
    }

    It 'documents every exported cmdlet, and no cmdlet that does not exist' {
        $cmdlets = @((Get-Command -Module PSIpc).Name)
        $pages = @([System.IO.Directory]::GetFiles($docsDir, '*-*.md') | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_) })
        @($pages | Sort-Object) | Should -Be @($cmdlets | Sort-Object)
    }

    It '<Name>: every parameter documented with its type, sets, position, pipeline input and a description' -ForEach $pages {
        $command = Get-Command $Name
        $documented = Get-PageParameters $File
        $actual = @($command.Parameters.Values | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' })
        @($documented.Keys | Sort-Object) | Should -Be @($actual.Name | Sort-Object) -Because 'the page lists exactly the parameters the cmdlet has'
        foreach ($p in $actual) {
            $doc = $documented[$p.Name]
            $doc.Description | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
            $doc.Type | Should -Be (Get-DocTypeName $p.ParameterType) -Because "-$($p.Name)'s type"
            $setNames = @($p.ParameterSets.Keys)
            $sets = if ($setNames -contains '__AllParameterSets') { '(All)' } else { ($setNames | Sort-Object) -join ', ' }
            $docSets = if ($doc['Parameter Sets'] -eq '(All)') { '(All)' } else { ($doc['Parameter Sets'].Split(',').Trim() | Sort-Object) -join ', ' }
            $docSets | Should -Be $sets -Because "-$($p.Name)'s parameter sets"
            $attrs = @($p.ParameterSets.Values)
            $doc.Required | Should -Be ([string](@($attrs | Where-Object IsMandatory).Count -gt 0)) -Because "-$($p.Name) required or not"
            $position = @($attrs | ForEach-Object { $_.Position } | Where-Object { $_ -ge 0 })
            $doc.Position | Should -Be $(if ($position.Count) { "$($position[0])" } else { 'Named' }) -Because "-$($p.Name)'s position"
            $byValue = @($attrs | Where-Object ValueFromPipeline).Count -gt 0
            $byName = @($attrs | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
            $pipeline = if ($byValue -and $byName) { 'True (ByPropertyName, ByValue)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
            $doc['Accept pipeline input'] | Should -Be $pipeline -Because "-$($p.Name)'s pipeline input"
            if ($p.Name -notin 'WhatIf', 'Confirm') {
                $doc['Default value'] | Should -Be (Get-DocDefault $command $p) -Because "-$($p.Name)'s default"
            }
        }
    }

    It '<Name>: Get-Help -Full shows the page: synopsis, description, every parameter described, two examples or more' -ForEach $pages {
        $help = Get-Help $Name -Full
        $page = (Get-Content -LiteralPath $File -Raw)
        $synopsis = [regex]::Match($page, '(?ms)^## SYNOPSIS\n(.*?)\n\n').Groups[1].Value.Trim()
        $help.Synopsis | Should -Be $synopsis
        ($help.description | ForEach-Object { $_.Text }) -join ' ' | Should -Not -BeNullOrEmpty
        $parameters = @($help.parameters.parameter | Where-Object { $_.name -notin 'WhatIf', 'Confirm' })
        $parameters.Count | Should -Be @((Get-Command $Name).Parameters.Values | Where-Object { $_.Name -notin $common }).Count
        foreach ($p in $parameters) {
            ($p.description | ForEach-Object { $_.Text }) -join ' ' | Should -Not -BeNullOrEmpty -Because "Get-Help shows -$($p.name)'s description"
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'Get-Help about_PSIpc shows the concepts topic' {
        $text = (Get-Help about_PSIpc) | ForEach-Object { "$_" }
        "$text" | Should -Match 'about_PSIpc'
        "$text" | Should -Match 'frame'
    }
}

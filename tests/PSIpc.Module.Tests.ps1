# The module as pwsh loads it: the manifest, its exports, dependency loading and cleanup.
BeforeAll {
    . $PSScriptRoot/common.ps1
}

AfterAll {
    Remove-TestRoot
}

Describe 'PSIpc module' {
    Context 'manifest' {
        BeforeAll {
            $manifest = Test-ModuleManifest -Path $ModuleManifest
        }

        It 'exports exactly the cmdlets the assembly defines' {
            $compiled = [PSIpc.Commands.IpcCmdlet].Assembly.GetExportedTypes() |
                Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).Count -gt 0 } |
                ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
            $exported = (Get-Command -Module PSIpc).Name
            $expected = @($compiled | Sort-Object)
            $expected.Count | Should -BeGreaterOrEqual 8
            @($exported | Sort-Object) | Should -Be $expected
            @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        }

        It 'uses only approved verbs' {
            $approved = [System.Management.Automation.VerbsCommon], [System.Management.Automation.VerbsCommunications], [System.Management.Automation.VerbsData],
            [System.Management.Automation.VerbsLifecycle], [System.Management.Automation.VerbsDiagnostic], [System.Management.Automation.VerbsSecurity],
            [System.Management.Automation.VerbsOther] | ForEach-Object { $_.GetFields().Name }
            foreach ($command in Get-Command -Module PSIpc) { $approved | Should -Contain $command.Verb }
        }

        It 'declares the version the assembly carries' {
            $version = [PSIpc.Commands.IpcCmdlet].Assembly.GetName().Version
            "$($version.Major).$($version.Minor).$($version.Build)" | Should -Be "$($manifest.Version)"
        }

        It 'declares ShouldProcess on the cmdlets that create or destroy' -TestCases @(
            @{ Name = 'New-IpcPipe' }, @{ Name = 'New-IpcFifo' }, @{ Name = 'Remove-IpcFifo' }
        ) {
            (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        }
    }

    Context 'dependency loading' {
        It 'loads Tmds.LibC from the module''s own runtimes folder' {
            $null = New-IpcPipe -WhatIf
            $p = New-IpcPipe
            $p.Dispose()
            $libc = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Tmds.LibC' }
            $libc | Should -HaveCount 1
            $libc.Location | Should -Match ([regex]::Escape([System.IO.Path]::Combine($RepoRoot, 'bin', 'runtimes')) + '/linux-[a-z0-9]+/lib/')
        }

        It 'runs in a pwsh that does not ship Tmds.LibC itself' {
            $pwshDir = Split-Path -Parent (Get-PwshCommand).Prefix[0]
            Join-Path $pwshDir 'pwsh.dll' | Should -Exist
            Join-Path $pwshDir 'Tmds.LibC.dll' | Should -Not -Exist
        }

        It 'loads PSIpc and Tmds.LibC into a load context named PSIpc, and only the loader into Default' {
            $script = @'
$p = New-IpcPipe; $p.Dispose()
foreach ($name in 'PSIpc', 'Tmds.LibC', 'PSIpc.Loader') {
    $assembly = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name }
    "$name=$(@($assembly).Count):$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name)"
}
'@
            $result = Wait-TestPeer (Start-IpcPeer -Script $script)
            $result.StdErr | Should -BeNullOrEmpty
            $result.StdOut -split "`n" | ForEach-Object Trim | Where-Object { $_ } | Should -Be @('PSIpc=1:PSIpc', 'Tmds.LibC=1:PSIpc', 'PSIpc.Loader=1:Default')
        }

        Context 'another module loaded a different Tmds.LibC first' {
            BeforeAll {
                # The fixture: a module of our own whose assembly is called Tmds.LibC, version 9.0, with none of its API.
                $fixture = Join-Path $TestDrive 'ClashFixture'
                $null = New-Item -ItemType Directory -Path $fixture
                # Add-Type names its assemblies at random, so the fixture is compiled with the Roslyn that Add-Type loads.
                Add-Type -TypeDefinition 'public static class PSIpcClashFixtureWarmUp { }'
                $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText(@'
[assembly: System.Reflection.AssemblyVersion("9.0.0.0")]
namespace Tmds.Linux { public static class LibC { public static int Version => 9; } }
'@)
                $framework = [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
                $references = [Microsoft.CodeAnalysis.MetadataReference[]]@(
                    foreach ($file in [object].Assembly.Location, (Join-Path $framework 'System.Runtime.dll')) { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($file) })
                $options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
                $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('Tmds.LibC', [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $references, $options)
                $stream = [System.IO.File]::Create((Join-Path $fixture 'Tmds.LibC.dll'))
                try { $emitted = $compilation.Emit($stream) } finally { $stream.Dispose() }
                $emitted.Success | Should -BeTrue -Because ($emitted.Diagnostics -join '; ')
                Set-Content -LiteralPath (Join-Path $fixture 'ClashFixture.psm1') -Value 'Add-Type -Path (Join-Path $PSScriptRoot Tmds.LibC.dll)'
                $useFixture = "Import-Module '$fixture/ClashFixture.psm1' -ErrorAction Stop; [Tmds.Linux.LibC]::Version"
            }

            It 'leaves PSIpc working with its own Tmds.LibC 0.5' {
                $script = "$useFixture`nImport-Module '$ModuleManifest' -ErrorAction Stop`n" + @'
$p = New-IpcPipe; Send-IpcMessage $p 'still works'; Receive-IpcMessage $p -Timeout 5; $p.Dispose()
([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Tmds.LibC' } |
    ForEach-Object { "$($_.GetName().Version)@$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" } | Sort-Object) -join ' '
'@
                $result = Wait-TestPeer (Start-PwshProcess -ArgumentList '-Command', $script)
                $result.StdErr | Should -BeNullOrEmpty
                $result.StdOut -split "`n" | ForEach-Object Trim | Where-Object { $_ } | Should -Be @('9', 'still works', '0.5.0.0@PSIpc 9.0.0.0@Default')
            }

            It 'breaks the same PSIpc.dll loaded into the Default context (the fixture does clash)' {
                $dll = Join-Path $RepoRoot 'bin/PSIpc.dll'
                $script = "`$ErrorActionPreference = 'Stop'; $useFixture`nImport-Module '$dll'`n" + '$p = New-IpcPipe; "unexpected: $p"'
                $result = Wait-TestPeer (Start-PwshProcess -ArgumentList '-Command', $script)
                $result.StdOut | Should -Not -Match 'unexpected'
                $result.StdErr | Should -Match 'Tmds\.LibC|LibC'
            }
        }

        It 'works in a fresh process that imports it by path' {
            $peer = Start-IpcPeer -Script '$p = New-IpcPipe; Send-IpcMessage $p "fresh"; Receive-IpcMessage $p -Timeout 5'
            $result = Wait-TestPeer $peer
            $result.StdErr | Should -BeNullOrEmpty
            $result.StdOut.Trim() | Should -Be 'fresh'
        }
    }

    Context 'packaging' -Tag 'Slow' {
        It 'build.ps1 -Task Package lays out a module folder that imports on its own' {
            $out = Join-Path $TestDrive 'package'
            $build = Start-PwshProcess -ArgumentList '-File', (Join-Path $RepoRoot 'build.ps1'), '-Task', 'Package', '-NoBuild', '-OutputPath', $out
            $built = Wait-TestPeer $build -TimeoutSeconds 120
            $built.ExitCode | Should -Be 0
            $version = (Test-ModuleManifest -Path $ModuleManifest).Version
            $folder = Join-Path $out "PSIpc/$version"
            foreach ($file in 'PSIpc.psd1', 'PSIpc.psm1', 'PSIpc.Format.ps1xml', 'bin/PSIpc.Loader.dll', 'en-US/PSIpc.dll-Help.xml', 'en-US/about_PSIpc.help.txt', 'bin/PSIpc.dll', 'bin/PSIpc.deps.json', 'bin/runtimes/linux-x64/lib/netstandard2.0/Tmds.LibC.dll', 'bin/runtimes/linux-arm64/lib/netstandard2.0/Tmds.LibC.dll') {
                Join-Path $folder $file | Should -Exist -Because "$file belongs in the package"
            }
            Join-Path $folder 'bin/System.Management.Automation.dll' | Should -Not -Exist
            $use = Start-PwshProcess -ArgumentList '-Command', "Import-Module '$folder/PSIpc.psd1' -ErrorAction Stop; `$p = New-IpcPipe; Send-IpcMessage `$p 'packaged'; Receive-IpcMessage `$p -Timeout 5; (Get-Module PSIpc).ModuleBase; (Get-Help Send-IpcMessage).Synopsis"
            $used = Wait-TestPeer $use
            $used.StdErr | Should -BeNullOrEmpty
            ($used.StdOut.Trim() -split "`n")[0].Trim() | Should -Be 'packaged'
            ($used.StdOut.Trim() -split "`n")[1].Trim() | Should -Be $folder
            ($used.StdOut.Trim() -split "`n")[2].Trim() | Should -Be 'Sends messages on a channel, one message per pipeline object.' -Because 'the package carries its help'
        }
    }

    Context 'console views' {
        It 'shows each type in its default table, with the columns a user needs, as the host renders it' {
            # Each type on its own, as a user would see it at the prompt (a host renders through Out-Default).
            $script = @'
$q = New-IpcMessageQueue -Private
$q | Out-Default
$s = New-SharedMemory 4096 -Name "/view-$PID"
$s | Out-Default
Get-Signal USR1 | Out-Default
Get-IpcObject -Kind MessageQueue | Where-Object Id -EQ $q.Id | Out-Default
Send-IpcMessage $q 'hi' -Encoding Text
Receive-IpcMessage $q -AsEnvelope | Out-Default
$q | Remove-IpcMessageQueue
$s | Remove-SharedMemory
'@
            $result = Wait-TestPeer (Start-IpcPeer -Script $script)
            $result.StdErr | Should -BeNullOrEmpty
            $out = $result.StdOut
            $out | Should -Match '(?m)^QueueKind\s+Key\s+Name\s+Owner\s+Mode\s+Messages\s+IsOpen\s*$'
            $out | Should -Match '(?m)^SystemV\s+0x00000000\s+msq:\d+\s+\S+\s+0600\s+0\s+True\s*$'
            $out | Should -Match '(?m)^Kind\s+Id/Name/Path\s+Size\s+Owner\s+Mode\s+ReadOnly\s+IsOpen\s*$'
            $out | Should -Match '(?m)^Posix\s+/view-\d+\s+4096\s+\S+\s+0600\s+False\s+True\s*$'
            $out | Should -Match '(?m)^Number\s+Name\s+DefaultAction\s+CanCatch\s+Description\s*$'
            $out | Should -Match '(?m)^\s*10\s+SIGUSR1\s+Terminate\s+True\s+User-defined signal 1\s*$'
            $out | Should -Match '(?m)^Facility\s+Kind\s+Key\s+Id/Name\s+Owner\s+Mode\s+Size\s+Count\s*$'
            $out | Should -Match '(?m)^SystemV\s+MessageQueue\s+0x00000000\s+\d+\s+\S+\s+0600\s+0\s+0\s*$'
            $out | Should -Match '(?m)^Timestamp\s+Encoding\s+Length\s+Body\s*$'
            $out | Should -Match '(?m)^\d\d:\d\d:\d\d\.\d{3}\s+Text\s+2\s+hi\s*$'
        }
    }

    Context 'cleanup' {
        It 'closes the channels a runspace opened when the runspace closes' {
            $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
            $fifo = (New-IpcFifo -Path (Join-Path $TestDrive 'cleanup')).Path
            $channels = $ps.AddScript("Import-Module '$ModuleManifest'; New-IpcPipe; Open-IpcFifo -Path '$fifo' -Direction Read").Invoke()
            $channels | Should -HaveCount 2
            foreach ($c in $channels) { $c.IsOpen | Should -BeTrue }
            $ps.Runspace.Dispose()
            $ps.Dispose()
            foreach ($c in $channels) { $c.IsOpen | Should -BeFalse }
            Remove-IpcFifo -LiteralPath $fifo
        }

        It 'closes the channels a runspace opened when the module is removed there, and only those' {
            $mine = New-IpcPipe
            $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
            try {
                $theirs = $ps.AddScript("Import-Module '$ModuleManifest'; New-IpcPipe").Invoke()[0]
                $ps.Commands.Clear()
                $null = $ps.AddScript('Remove-Module PSIpc').Invoke()
                $theirs.IsOpen | Should -BeFalse
                $mine.IsOpen | Should -BeTrue
            }
            finally {
                $ps.Dispose()
                $mine.Dispose()
            }
        }

        It 'removes what New- cmdlets made with -RemoveOnExit when the session ends, and only that' {
            $name = New-TestName
            $fifo = Join-Path $TestDrive 'exit-fifo'
            $script = @"
`$q = New-IpcMessageQueue -Private -RemoveOnExit
`$m = New-SharedMemory 4096 -Private -RemoveOnExit
`$null = New-SharedMemory 4096 -Name '$name-shm' -RemoveOnExit
`$null = New-IpcRing '$name-ring' -Capacity 4 -MessageSize 64 -RemoveOnExit
`$null = New-IpcSemaphore '$name-sem' -RemoveOnExit
`$null = New-IpcFifo '$fifo' -RemoveOnExit
`$kept = New-IpcMessageQueue -Private
"`$(`$q.Id) `$(`$m.Id) `$(`$kept.Id)"
"@
            $result = Wait-TestPeer (Start-IpcPeer -Script $script)
            $result.StdErr | Should -BeNullOrEmpty
            $queueId, $segmentId, $keptId = [int[]]($result.StdOut.Trim() -split ' ')
            try {
                Get-SysVQueueIds | Should -Not -Contain $queueId
                Get-SysVSegmentIds | Should -Not -Contain $segmentId
                foreach ($path in "/dev/shm$name-shm", "/dev/shm$name-ring", "/dev/shm/sem.$($name.Substring(1))-sem", $fifo) {
                    $path | Should -Not -Exist -Because "$path was made with -RemoveOnExit"
                }
                Get-SysVQueueIds | Should -Contain $keptId -Because 'a queue made without -RemoveOnExit outlives the session'
            }
            finally {
                Get-IpcObject -Kind MessageQueue | Where-Object Id -EQ $keptId | Remove-IpcObject
            }
        }

        It 'leaves an object made with -RemoveOnExit alone when it was replaced by another one of the same name' {
            $name = New-TestName
            $ps = [powershell]::Create()
            $ps.Runspace = [runspacefactory]::CreateRunspace([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
            $ps.Runspace.Open()
            try {
                $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$null = New-SharedMemory 4096 -Name '$name' -RemoveOnExit").Invoke()
                Remove-SharedMemory -Name $name
                $replacement = New-SharedMemory 4096 -Name $name
                $ps.Runspace.Dispose()
                "/dev/shm$name" | Should -Exist -Because 'the name now belongs to another object'
            }
            finally {
                $ps.Dispose()
                if ($replacement) { $replacement | Remove-SharedMemory }
            }
        }

        It 'leaves no child processes behind' {
            $peer = Start-IpcPeer -Script '1'
            $null = Wait-TestPeer $peer
            Stop-TestPeers
            $children = [System.IO.Directory]::GetDirectories('/proc') | Where-Object {
                $stat = [System.IO.Path]::Combine($_, 'stat')
                try { ((Get-Content -LiteralPath $stat -Raw) -split '\) ')[1].Split(' ')[1] -eq "$PID" } catch { $false }
            }
            @($children) | Should -HaveCount 0
        }
    }
}

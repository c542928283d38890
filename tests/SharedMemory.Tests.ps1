# New-, Connect-, Disconnect-, Remove-, Read- and Write-SharedMemory on System V segments, POSIX objects and mapped
# files, against a C program that uses strcpy, a C shm_open writer, Python's multiprocessing.shared_memory and ipcs/ipcrm.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $segmentsBefore = Get-SysVSegmentIds
    $shmBefore = @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*').Count
}

AfterAll {
    foreach ($f in (Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*')) {
        Remove-SharedMemory -Name ('/' + $f.Name) -ErrorAction SilentlyContinue
    }
    Remove-TestRoot
}

Describe 'New-SharedMemory' {
    It 'gives a new -Path file exactly -Mode <Mode> with -Force, whatever the umask' -ForEach @(@{ Mode = '0640' }, @{ Mode = '0666' }) {
        $file = Join-Path $TestDrive "moded-$Mode.bin"
        $pwsh = Get-PwshCommand
        $command = "Import-Module '$ModuleManifest'; `$m = New-SharedMemory 4KB -Path '$file' -Mode $Mode -Force; `$m.Mode; `$m.Dispose()"
        $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'umask 077; exec "$@"', 'bash', $pwsh.FileName, $pwsh.Prefix[0], '-NoProfile', '-NonInteractive', '-Command', $command)
        $result = Wait-TestPeer $peer
        $result.StdErr | Should -BeNullOrEmpty
        $result.StdOut.Trim() | Should -Be $Mode
        Get-FileMode $file | Should -Be $Mode
    }

    It 'refuses to map, grow or overwrite a file through a symbolic link' {
        $target = Join-Path $TestDrive 'link-target.bin'
        Set-Content -LiteralPath $target -Value 'keep' -NoNewline
        $link = Join-Path $TestDrive 'link.bin'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        $err = { New-SharedMemory 64KB -Path $link -Force -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -Match 'symbolic link'
        { Connect-SharedMemory -Path $link -ErrorAction Stop } | Should -Throw
        (Get-Item -LiteralPath $target).Length | Should -Be 4 -Because 'the target was neither grown nor written'
        Get-Content -LiteralPath $target -Raw | Should -Be 'keep'
    }

    It 'says NotMappable, not InvalidName, for an empty file' {
        $file = Join-Path $TestDrive 'empty.bin'
        Set-Content -LiteralPath $file -Value '' -NoNewline
        $err = { Connect-SharedMemory -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'NotMappable,PSIpc.Commands.ConnectSharedMemoryCommand' -PassThru
        $err.ErrorDetails.Message | Should -Match 'empty'
    }

    It 'leaves no file behind when a new -Path file cannot be made that large' {
        $file = Join-Path $TestDrive 'too-large.bin'
        $err = { New-SharedMemory ([long]1 -shl 62) -Path $file -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^(ftruncate,EFBIG|InvalidSize),'
        $err.CategoryInfo.Category | Should -BeIn @('LimitsExceeded', 'InvalidArgument')
        $file | Should -Not -Exist
    }

    It 'creates a <Kind> region, owner-only, that reads back what is written' -TestCases @(
        @{ Kind = 'SystemV'; Make = { New-SharedMemory 64KB -Private } }
        @{ Kind = 'Posix'; Make = { New-SharedMemory 64KB -Name (New-TestName) } }
        @{ Kind = 'File'; Make = { New-SharedMemory 64KB -Path (Join-Path $TestDrive 'mapped.bin') } }
    ) {
        $m = & $Make
        try {
            $m | Should -BeOfType ([PSIpc.IpcSharedMemory])
            $m.Kind | Should -Be $Kind
            $m.Size | Should -Be 65536
            $m.Mode | Should -Be '0600'
            $m.Owner | Should -Be ([System.Environment]::UserName)
            Write-SharedMemory $m 'hello'
            Read-SharedMemory $m | Should -BeExactly 'hello'
            $bytes = Read-SharedMemory $m -AsBytes -Length 6
            $bytes | Should -Be @(104, 101, 108, 108, 111, 0)
            Write-SharedMemory $m ([pscustomobject]@{ Name = 'x'; List = 1, 2 }) -Offset 1000
            $o = Read-SharedMemory $m -Offset 1000
            $o.Name | Should -Be 'x'
            $o.List | Should -Be @(1, 2)
            Write-SharedMemory $m @{ n = 5 } -Offset 2000 -Encoding Json
            (Read-SharedMemory $m -Offset 2000 -Encoding Json).n | Should -Be 5
            Write-SharedMemory $m ([byte[]](9, 8, 7)) -Offset 65533
            $bytes = Read-SharedMemory $m -Offset 65533 -AsBytes
            $bytes | Should -Be @(9, 8, 7)
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'gives exactly -Mode whatever the umask, for each kind' {
        $regions = @(
            New-SharedMemory 4KB -Private -Mode 0640
            New-SharedMemory 4KB -Name (New-TestName) -Mode 0640
            New-SharedMemory 4KB -Path (Join-Path $TestDrive 'moded.bin') -Mode 0640
        )
        try { $regions.Mode | Should -Be @('0640', '0640', '0640') } finally { $regions | Remove-SharedMemory }
    }

    It 'refuses an existing name or key without -Force, and attaches with it' {
        $name = New-TestName
        $m = New-SharedMemory 4KB -Name $name
        try {
            $err = { New-SharedMemory 4KB -Name $name } | Should -Throw -ErrorId 'shm_open,EEXIST,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
            $err.TargetObject | Should -Be $name
            Write-SharedMemory $m 'shared'
            $again = New-SharedMemory 4KB -Name $name -Force
            Read-SharedMemory $again | Should -Be 'shared'
            $again.Dispose()
        }
        finally { $m | Remove-SharedMemory }

        $key = [System.Random]::new().Next(0x10000, 0x7ffffff)
        $k = New-SharedMemory 4KB -Key $key
        try {
            { New-SharedMemory 4KB -Key $key } | Should -Throw -ErrorId 'shmget,EEXIST,*'
            $forced = New-SharedMemory 4KB -Key $key -Force
            $forced.Id | Should -Be $k.Id
            $forced | Disconnect-SharedMemory
        }
        finally { $k | Remove-SharedMemory }
    }

    It 'rejects a size of <Size>' -TestCases @(@{ Size = 0 }, @{ Size = -1 }) {
        $err = { New-SharedMemory $Size -Private } | Should -Throw -ErrorId 'InvalidSize,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'names the system limits when a <Kind> region is too large' -TestCases @(
        @{ Kind = 'System V'; Call = { New-SharedMemory ([long]1 -shl 62) -Private }; Pattern = 'shmmax.*shmall' }
        @{ Kind = 'POSIX'; Call = { New-SharedMemory ([long]1 -shl 62) -Name (New-TestName) }; Pattern = '/dev/shm' }
    ) {
        $err = $Call | Should -Throw -ErrorId 'InvalidSize,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -Match $Pattern
    }

    It 'rejects invalid POSIX names: <Name>' -TestCases @(@{ Name = 'noslash' }, @{ Name = '/a/b' }, @{ Name = '/' }) {
        $err = { New-SharedMemory 4KB -Name $Name } | Should -Throw -ErrorId 'InvalidName,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Connect-SharedMemory' {
    It 'attaches by key, id, name and path' {
        $key = [System.Random]::new().Next(0x10000, 0x7ffffff)
        $s = New-SharedMemory 4KB -Key ('0x' + $key.ToString('x8'))
        $p = New-SharedMemory 4KB -Name (New-TestName)
        $f = New-SharedMemory 4KB -Path (Join-Path $TestDrive 'connect.bin')
        try {
            Write-SharedMemory $s 'by key'
            Write-SharedMemory $p 'by name'
            Write-SharedMemory $f 'by path'
            $byKey = Connect-SharedMemory -Key $key
            $byId = Connect-SharedMemory -Id $s.Id
            $byName = Connect-SharedMemory -Name $p.Name
            $byPath = Connect-SharedMemory -Path $f.Path
            Read-SharedMemory $byKey | Should -Be 'by key'
            Read-SharedMemory $byId | Should -Be 'by key'
            $byId.AttachCount | Should -Be 3
            Read-SharedMemory $byName | Should -Be 'by name'
            Read-SharedMemory $byPath | Should -Be 'by path'
            $byKey, $byId, $byName, $byPath | Disconnect-SharedMemory
            $s.AttachCount | Should -Be 1
        }
        finally { $s, $p, $f | Remove-SharedMemory }
    }

    It 'refuses writes to a read-only attachment' {
        $m = New-SharedMemory 4KB -Name (New-TestName)
        try {
            $ro = Connect-SharedMemory -Name $m.Name -ReadOnly
            $ro.IsReadOnly | Should -BeTrue
            $err = { Write-SharedMemory $ro 'no' -ErrorAction Stop } | Should -Throw -ErrorId 'ReadOnlyRegion,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $ro | Disconnect-SharedMemory
            $ro.IsOpen | Should -BeFalse
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'reports a region that does not exist as ObjectNotFound' -TestCases @(
        @{ Call = { Connect-SharedMemory -Name '/psipc-test-missing' -ErrorAction Stop }; Id = 'shm_open,ENOENT,PSIpc.Commands.ConnectSharedMemoryCommand' }
        @{ Call = { Connect-SharedMemory -Key 0x7eadbeef -ErrorAction Stop }; Id = 'shmget,ENOENT,PSIpc.Commands.ConnectSharedMemoryCommand' }
    ) {
        $err = $Call | Should -Throw -ErrorId $Id -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports permission denied for another user' {
        Assert-CanRunAsNobody
        $m = New-SharedMemory 4KB -Name (New-TestName)
        try {
            $result = Invoke-IpcPeerAsNobody "try { Connect-SharedMemory -Name '$($m.Name)' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category }"
            $lines = $result.Lines
            $lines[0] | Should -Be 'shm_open,EACCES,PSIpc.Commands.ConnectSharedMemoryCommand'
            $lines[1] | Should -Be 'PermissionDenied'
        }
        finally { $m | Remove-SharedMemory }
    }
}

Describe 'Read-SharedMemory and Write-SharedMemory bounds' {
    BeforeAll { $m = New-SharedMemory 100 -Name (New-TestName) }
    AfterAll { $m | Remove-SharedMemory }

    It 'refuses <What> with OutOfBounds, and the session goes on' -TestCases @(
        @{ What = 'a read past the end'; Call = { Read-SharedMemory $m -Offset 90 -AsBytes -Length 11 -ErrorAction Stop } }
        @{ What = 'an offset past the end'; Call = { Read-SharedMemory $m -Offset 101 -ErrorAction Stop } }
        @{ What = 'a write past the end'; Call = { Write-SharedMemory $m ('x' * 100) -ErrorAction Stop } }
        @{ What = 'an object past the end'; Call = { Write-SharedMemory $m ([pscustomobject]@{ a = 'y' * 200 }) -ErrorAction Stop } }
    ) {
        $err = $Call | Should -Throw -ErrorId 'OutOfBounds,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $m
        $err.ErrorDetails.Message | Should -Match '100 bytes'
        Write-SharedMemory $m 'still fine'
        Read-SharedMemory $m | Should -Be 'still fine'
    }

    It 'gives .NET callers a bounds-checked span' {
        { $m.AsSpan(50, 51) } | Should -Throw
        $m.WriteInt64(64, 0)
        $m.Add(64, 5) | Should -Be 5
        $m.ReadInt64(64) | Should -Be 5
        { $m.Add(60, 1) } | Should -Throw -ExpectedMessage '*multiple of 8*'
    }
}

Describe 'Remove-SharedMemory' {
    It 'removes POSIX objects by name, leaves them with -WhatIf, and reports a missing one' {
        $m = New-SharedMemory 4KB -Name (New-TestName)
        $m.Dispose()
        Remove-SharedMemory -Name $m.Name -WhatIf
        $m.Path | Should -Exist
        Remove-SharedMemory -Name $m.Name
        $m.Path | Should -Not -Exist
        $err = { Remove-SharedMemory -Name $m.Name -ErrorAction Stop } | Should -Throw -ErrorId 'shm_unlink,ENOENT,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'shared memory peers' -Tag 'Peer' {
    It 'survives another process shrinking a mapped <Kind> object: an error, never a crash' -ForEach @(
        @{ Kind = 'region'; Make = 'New-SharedMemory 64KB -Name $name'; Use = 'Read-SharedMemory $o -Offset 60000 -Length 8 -AsBytes -ErrorAction Stop; Write-SharedMemory $o ''x'' -Offset 60000 -ErrorAction Stop' }
        @{ Kind = 'ring'; Make = 'New-IpcRing $name -Capacity 64 -MessageSize 1KB'; Use = 'Send-IpcMessage $o ''after'' -Timeout 5 -ErrorAction Stop; Receive-IpcMessage $o -Timeout 5 -ErrorAction Stop' }
    ) {
        $name = New-TestName
        $ready = Join-Path $TestDrive "$Kind.mapped"
        $go = Join-Path $TestDrive "$Kind.truncated"
        $script = @"
`$name = '$name'
`$o = $Make
$(if ($Kind -eq 'ring') { "1..4 | Send-IpcMessage `$o; Receive-IpcMessage `$o -Count 4 -Timeout 5 | Out-Null" } else { "Read-SharedMemory `$o -Offset 60000 -Length 8 -AsBytes | Out-Null" })
Set-Content -LiteralPath '$ready' -Value 'x'
while (-not (Test-Path -LiteralPath '$go')) { Start-Sleep -Milliseconds 10 }
foreach (`$use in { $Use }.ToString().Split(';')) {
    try { & ([scriptblock]::Create(`$use)) | Out-Null; 'no error' } catch { `$_.FullyQualifiedErrorId + ' ' + `$_.CategoryInfo.Category }
}
'alive'
"@
        $peer = Start-IpcPeer -Script $script
        try {
            Wait-TestCondition { (Test-Path -LiteralPath $ready) -or $peer.Process.HasExited } -What "the peer to map the $Kind"
            # What a hostile peer with write access does: shrink the object under the mapping to one page.
            (Wait-TestPeer (Start-TestProcess -FileName 'truncate' -ArgumentList @('-s', '4096', "/dev/shm$name"))).ExitCode | Should -Be 0
            Set-Content -LiteralPath $go -Value 'x'
            $result = Wait-TestPeer $peer
            $result.ExitCode | Should -Be 0 -Because "the session must survive: $($result.StdErr)"
            $lines = @($result.StdOut.Trim() -split '\s*\n\s*')
            $lines[-1] | Should -Be 'alive'
            $lines[0..($lines.Count - 2)] | Should -Not -Contain 'no error'
            foreach ($line in $lines[0..($lines.Count - 2)]) { $line | Should -Match '^RegionTruncated,PSIpc\.Commands\.\w+ ProtocolError$' }
        }
        finally { Remove-SharedMemory -Name $name -ErrorAction SilentlyContinue }
    }

    It 'reads what a C program writes with strcpy, and writes what it prints' {
        $c = Build-CPeer 'shm_strcpy'
        $m = New-SharedMemory 1KB -Private
        try {
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('write', "$($m.Id)", 'Hello from shared memory!'))).ExitCode | Should -Be 0
            Read-SharedMemory $m -AsString | Should -BeExactly 'Hello from shared memory!'
            Write-SharedMemory $m 'Hello from PowerShell'
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('read', "$($m.Id)"))).StdOut.Trim() | Should -Be 'Data: Hello from PowerShell'
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'reads what a C shm_open writer writes' {
        $c = Build-CPeer 'shm_posix' -Libraries @('-lrt')
        $m = New-SharedMemory 1KB -Name (New-TestName)
        try {
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @($m.Name, 'written by C'))).ExitCode | Should -Be 0
            Read-SharedMemory $m | Should -Be 'written by C'
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'shares bytes with Python''s multiprocessing.shared_memory (names without the slash)' {
        Test-PeerTool -Name python3 -Package python3
        $m = New-SharedMemory 1KB -Name (New-TestName)
        try {
            Write-SharedMemory $m ([byte[]](1, 2, 3)) -Encoding Bytes
            $py = "from multiprocessing import shared_memory, resource_tracker`nimport sys`ns = shared_memory.SharedMemory(name=sys.argv[1])`nresource_tracker.unregister(s._name, 'shared_memory')`nprint(list(s.buf[:3]))`ns.buf[10:13] = bytes([7, 8, 9])`ns.close()"
            $result = Wait-TestPeer (Start-TestProcess -FileName 'python3' -ArgumentList @('-c', $py, $m.Name.Substring(1)))
            $result.StdErr | Should -BeNullOrEmpty
            $result.StdOut.Trim() | Should -Be '[1, 2, 3]'
            $bytes = Read-SharedMemory $m -Offset 10 -Length 3 -AsBytes
            $bytes | Should -Be @(7, 8, 9)
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'is listed by ipcs -m and removed by ipcrm' {
        $m = New-SharedMemory 4KB -Private
        $id = $m.Id
        $ipcs = Wait-TestPeer (Start-TestProcess -FileName 'ipcs' -ArgumentList @('-m', '-i', "$id"))
        $ipcs.StdOut | Should -Match "shmid=$id"
        $m.Dispose()
        (Wait-TestPeer (Start-TestProcess -FileName 'ipcrm' -ArgumentList @('-m', "$id"))).ExitCode | Should -Be 0
        Get-SysVSegmentIds | Should -Not -Contain $id
    }
}

Describe 'shared memory cleanup' {
    It 'leaves nothing in ipcs -m or /dev/shm' {
        @(Get-SysVSegmentIds | Where-Object { $_ -notin $segmentsBefore }) | Should -HaveCount 0
        @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*').Count | Should -Be $shmBefore
    }
}

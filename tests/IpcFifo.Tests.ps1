# New-IpcFifo, Open-IpcFifo and Remove-IpcFifo: named pipes against PSIpc, C and shell peers.
BeforeAll {
    . $PSScriptRoot/common.ps1
}

AfterAll {
    Remove-TestRoot
}

Describe 'New-IpcFifo' {
    AfterEach {
        Get-ChildItem -LiteralPath $TestDrive -Force | Remove-Item -Force
    }

    Context 'success' {
        It 'creates a FIFO with mode 0600 by default' {
            $path = Join-Path $TestDrive 'default'
            $fifo = New-IpcFifo -Path $path
            $fifo | Should -BeOfType ([PSIpc.IpcFifo])
            $fifo.Path | Should -Be $path
            $fifo.Mode | Should -Be '0600'
            $fifo.Permissions | Should -Be 'prw-------'
            Get-FileMode $path | Should -Be '0600'
        }

        It 'gives exactly -Mode <Mode> whatever the umask' -TestCases @(
            @{ Mode = '0640'; Expected = '0640' }
            @{ Mode = 666; Expected = '0666' }
            @{ Mode = 'rw-rw-r--'; Expected = '0664' }
            @{ Mode = '0o700'; Expected = '0700' }
        ) {
            $path = Join-Path $TestDrive 'moded'
            (New-IpcFifo -Path $path -Mode $Mode).Mode | Should -Be $Expected
            Get-FileMode $path | Should -Be $Expected
        }

        It 'takes paths from the pipeline and resolves relative paths' {
            $names = 'a', 'b', 'c' | ForEach-Object { Join-Path $TestDrive $_ }
            $made = $names | New-IpcFifo
            $made | Should -HaveCount 3
            foreach ($n in $names) { $n | Should -Exist }
        }

        It 'does nothing with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif'
            New-IpcFifo -Path $path -WhatIf
            $path | Should -Not -Exist
        }
    }

    Context 'bad input' {
        It 'refuses an existing path with ResourceExists' {
            $path = Join-Path $TestDrive 'exists'
            Set-Content -LiteralPath $path -Value 'regular file' -NoNewline
            $err = { New-IpcFifo -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'mkfifo,EEXIST,PSIpc.Commands.NewIpcFifoCommand' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
            $err.TargetObject | Should -Be $path
            $err.ErrorDetails.Message | Should -Match 'remove the existing object'
            (Get-Content -LiteralPath $path -Raw) | Should -Be 'regular file'
        }

        It 'reports a missing directory as ObjectNotFound' {
            $path = Join-Path $TestDrive 'no/such/dir/fifo'
            $err = { New-IpcFifo -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'mkfifo,ENOENT,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be $path
        }

        It 'rejects a mode that is not octal with a clear message' -TestCases @(@{ Mode = '0800' }, @{ Mode = 'rwxrwxrwz' }, @{ Mode = 99999 }) {
            { New-IpcFifo -Path (Join-Path $TestDrive 'badmode') -Mode $Mode -ErrorAction Stop } | Should -Throw -ExpectedMessage '*octal digits*'
            (Join-Path $TestDrive 'badmode') | Should -Not -Exist
        }

        It 'refuses a path on another provider' {
            $err = { New-IpcFifo -Path 'Env:/PSIPC_FIFO' -ErrorAction Stop } | Should -Throw -ErrorId 'NotAFileSystemPath,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'keeps the session going after a per-item error' {
            $good = Join-Path $TestDrive 'good'
            [System.IO.File]::WriteAllText((Join-Path $TestDrive 'taken'), '')
            $made = (Join-Path $TestDrive 'taken'), $good | New-IpcFifo -ErrorAction SilentlyContinue -ErrorVariable errs
            $made.Path | Should -Be $good
            $errs | Should -HaveCount 1
        }
    }
}

Describe 'New-IpcFifo against a symlink-swapping peer' -Tag 'Peer' {
    It 'never changes the mode of the file a swapped-in symbolic link points at' {
        $race = Invoke-SymlinkRace -Create {
            param($Path)
            $fifo = New-IpcFifo -Path $Path -Mode 0666 -ErrorAction SilentlyContinue -ErrorVariable failed
            foreach ($e in $failed) {
                # What a lost race may say: the path exists (the link), or it was replaced before the mode was set.
                $e.FullyQualifiedErrorId | Should -BeLike '*,PSIpc.Commands.NewIpcFifoCommand'
                $e.FullyQualifiedErrorId | Should -Match '^(mkfifo,EEXIST|PathReplaced|open,ENOENT),'
            }
            $null -ne $fifo
        }
        $race.Swaps | Should -BeGreaterThan 1000 -Because 'the peer must really have raced'
        $race.Made | Should -BeGreaterThan 0
        $race.VictimMode | Should -Be '0600'
        $race.VictimText | Should -Be 'do not touch'
    }
}

Describe 'Open-IpcFifo' {
    BeforeAll {
        $fifo = (New-IpcFifo -Path (Join-Path $TestDrive 'chan')).Path
    }
    AfterAll {
        Remove-IpcFifo -LiteralPath $fifo
    }

    Context 'between two PSIpc ends in one session' {
        It 'carries messages and reports end of stream when the writer closes' {
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            $writer = Open-IpcFifo -Path $fifo -Direction Write -Timeout 5
            $reader.Direction | Should -Be 'Read'
            $writer.Direction | Should -Be 'Write'
            $writer.Kind | Should -Be 'Fifo'
            'one', 'two' | Send-IpcMessage $writer
            Close-IpcChannel $writer
            Receive-IpcMessage $reader -Continuous -Timeout 5 | Should -Be @('one', 'two')
            $reader.IsOpen | Should -BeTrue
            Close-IpcChannel $reader
            $reader.IsOpen | Should -BeFalse
        }

        It 'leaves no descriptors open after its channels are closed' {
            $before = Get-OpenDescriptorCount
            for ($i = 0; $i -lt 10; $i++) {
                $r = Open-IpcFifo -Path $fifo -Direction Read
                $w = Open-IpcFifo -Path $fifo -Direction Write -Timeout 5
                Send-IpcMessage $w $i
                Receive-IpcMessage $r -Timeout 5 | Should -Be $i
                $w, $r | Close-IpcChannel
            }
            Get-OpenDescriptorCount | Should -Be $before
        }

        It 'binds a FIFO object from the pipeline' {
            $r = [pscustomobject]@{ Path = $fifo } | Open-IpcFifo -Direction Read
            try { $r.Path | Should -Be $fifo } finally { $r.Dispose() }
        }
    }

    Context 'with C peers' -Tag 'Peer' {
        It 'reads lines a C writer sends with -Framing Line' {
            $writer = Build-CPeer 'fifo_writer'
            $reader = Open-IpcFifo -Path $fifo -Direction Read -Framing Line
            try {
                $peer = Start-TestProcess -FileName $writer -ArgumentList @($fifo, 'Hello from C', 'second line')
                Receive-IpcMessage $reader -Continuous -Timeout 10 | Should -Be @('Hello from C', 'second line')
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $reader.Dispose() }
        }

        It 'writes lines a C reader prints' {
            $readerExe = Build-CPeer 'fifo_reader'
            $peer = Start-TestProcess -FileName $readerExe -ArgumentList @($fifo)
            $writer = Open-IpcFifo -Path $fifo -Direction Write -Framing Line -Timeout 20
            try { 'to C', 'and more' | Send-IpcMessage $writer } finally { $writer.Dispose() }
            $result = Wait-TestPeer $peer
            $result.ExitCode | Should -Be 0
            $result.StdOut | Should -Be "to C`nand more`n"
        }
    }

    Context 'with shell peers' -Tag 'Peer' {
        It 'reads what echo writes' {
            $reader = Open-IpcFifo -Path $fifo -Direction Read -Framing Line
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'echo "hello from bash" > "$0"; printf "no newline" > "$0"', $fifo)
                Receive-IpcMessage $reader -Timeout 10 | Should -Be 'hello from bash'
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $reader.Dispose() }
        }

        It 'never alters Json silently: a shell peer''s <What> is a ProtocolError, and the next line still arrives' -ForEach @(
            @{ What = 'keys that differ only in case'; Line = '{"a":1,"A":2}' }
            @{ What = 'number beyond a double'; Line = '1e400' }
            @{ What = 'data after the value'; Line = '{"a":1} trailing' }
            @{ What = 'empty key'; Line = '{"":1}' }
            @{ What = 'integer beyond 64 bits'; Line = '123456789012345678901234567890'; Value = [System.Numerics.BigInteger]::Parse('123456789012345678901234567890') }
        ) {
            $reader = Open-IpcFifo -Path $fifo -Direction Read -Framing Line
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'printf "%s\n{\"ok\":1}\n" "$1" > "$0"', $fifo, $Line)
                $got = Receive-IpcMessage $reader -Count 2 -Encoding Json -Timeout 10 -ErrorAction SilentlyContinue -ErrorVariable bad
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
                if ($Value) {
                    $bad | Should -HaveCount 0
                    $got[0] | Should -Be $Value -Because 'a large integer is kept exactly'
                }
                else {
                    $bad | Should -HaveCount 1
                    $bad[0].FullyQualifiedErrorId | Should -Match '^Json(Invalid|Unrepresentable),PSIpc.Commands.ReceiveIpcMessageCommand$'
                    $bad[0].CategoryInfo.Category | Should -Be 'ProtocolError'
                    $bad[0].ErrorDetails.Message | Should -Match 'could not be decoded'
                }
                $got[-1].ok | Should -Be 1
            }
            finally { $reader.Dispose() }
        }

        It 'writes what cat prints, in Raw framing' {
            $peer = Start-TestProcess -FileName 'cat' -ArgumentList @($fifo)
            $writer = Open-IpcFifo -Path $fifo -Direction Write -Framing Raw -Timeout 20
            try {
                Send-IpcMessage $writer 'raw '
                Send-IpcMessage $writer ([byte[]](0x62, 0x79, 0x74, 0x65, 0x73)) -Encoding Bytes
            }
            finally { $writer.Dispose() }
            (Wait-TestPeer $peer).StdOut | Should -BeExactly 'raw bytes'
        }
    }

    Context 'bad input' {
        It 'reports a missing FIFO as ObjectNotFound with the path as target' {
            $missing = Join-Path $TestDrive 'missing'
            $err = { Open-IpcFifo -LiteralPath $missing -Direction Read -ErrorAction Stop } | Should -Throw -ErrorId 'lstat,ENOENT,PSIpc.Commands.OpenIpcFifoCommand' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be $missing
        }

        It 'refuses a path that is not a FIFO' {
            $file = Join-Path $TestDrive 'plain.txt'
            Set-Content -LiteralPath $file -Value 'x' -NoNewline
            try {
                $err = { Open-IpcFifo -Path $file -Direction Read -ErrorAction Stop } | Should -Throw -ErrorId 'NotAFifo,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
                $err.ErrorDetails.Message | Should -Match 'regular file, not a FIFO'
            }
            finally { Remove-Item -LiteralPath $file -Force -ErrorAction Ignore }
        }

        It 'times out opening for Write when no reader comes' {
            $elapsed = Measure-Command { $err = { Open-IpcFifo -Path $fifo -Direction Write -Timeout 0.3 -ErrorAction Stop } | Should -Throw -ErrorId 'FifoOpenTimeout,*' -PassThru }
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err.TargetObject | Should -Be $fifo
            $elapsed.TotalSeconds | Should -BeLessThan 20
        }

        It 'fails with ConnectionError when the reader is gone (EPIPE)' {
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            $writer = Open-IpcFifo -Path $fifo -Direction Write -Timeout 5
            try {
                $reader.Dispose()
                $err = { Send-IpcMessage $writer 'nobody listens' -ErrorAction Stop } | Should -Throw -ErrorId 'write,EPIPE,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'ConnectionError'
                $err.ErrorDetails.Message | Should -Match 'reader has closed'
            }
            finally { $writer.Dispose() }
            # The session goes on.
            1 + 1 | Should -Be 2
        }

        It 'reports a peer that closes in the middle of a frame as ProtocolError, never a half message' {
            $frames = Build-CPeer 'frame_writer'
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'exec "$0" whole cut > "$1"', $frames, $fifo)
                Receive-IpcMessage $reader -Timeout 10 | Should -Be 'whole'
                $err = { Receive-IpcMessage $reader -Timeout 10 -ErrorAction Stop } | Should -Throw -ErrorId 'FrameTruncated,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'ProtocolError'
                $err.Exception.Message | Should -Match '10 of the 100 bytes'
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $reader.Dispose() }
        }

        It 'reports plain text on a Message channel as ProtocolError' {
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'echo "not a frame" > "$0"', $fifo)
                $err = { Receive-IpcMessage $reader -Timeout 10 -ErrorAction Stop } | Should -Throw -ErrorId 'FrameBadMagic,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'ProtocolError'
                $err.ErrorDetails.Message | Should -Match 'Framing Line or Raw'
                $null = Wait-TestPeer $peer
            }
            finally { $reader.Dispose() }
        }

        It 'skips a peer''s garbage with one ProtocolError and still receives the valid frames behind it' {
            $frames = Build-CPeer 'frame_writer'
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            try {
                # One write of garbage and two valid frames from a C writer, all in the FIFO before the first receive.
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', '{ printf "garbage, not a frame"; "$0" first second; } > "$1"', $frames, $fifo)
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
                $err = { Receive-IpcMessage $reader -Timeout 10 -ErrorAction Stop } | Should -Throw -ErrorId 'FrameBadMagic,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'ProtocolError'
                $err.Exception.Message | Should -Match '20 bytes were skipped'
                Receive-IpcMessage $reader -Count 2 -Timeout 10 | Should -Be @('first', 'second')
            }
            finally { $reader.Dispose() }
        }

        It 'never tears or loses a frame of two writers that batch (-BatchSize) on one FIFO' -Tag 'Peer' {
            $reader = Open-IpcFifo -Path $fifo -Direction Read
            try {
                # 20-byte payloads, 28-byte frames: a batch of 4096 frames is 112 KiB, far above PIPE_BUF.
                $writers = foreach ($w in 1, 2) {
                    Start-IpcPeer -Script "`$c = Open-IpcFifo '$fifo' -Direction Write -Timeout 30; 1..30000 | ForEach-Object { 'w$w-{0:D16}' -f `$_ } | Send-IpcMessage `$c -Encoding Text -BatchSize 4096 -Timeout 60; `$c.Dispose()"
                }
                $got = Receive-IpcMessage $reader -Count 60000 -Timeout 60 -ErrorAction SilentlyContinue -ErrorVariable bad
                foreach ($writer in $writers) { (Wait-TestPeer $writer).StdErr | Should -BeNullOrEmpty }
                $bad | Should -HaveCount 0 -Because 'no frame may be torn by the other writer'
                $got | Should -HaveCount 60000
                foreach ($w in 1, 2) {
                    $mine = @($got | Where-Object { $_.StartsWith("w$w-") })
                    $mine | Should -HaveCount 30000
                    $mine[0] | Should -Be ('w{0}-{1:D16}' -f $w, 1)
                    $mine[-1] | Should -Be ('w{0}-{1:D16}' -f $w, 30000)
                }
                @($got | Where-Object { $_ -notmatch '^w[12]-\d{16}$' }) | Should -HaveCount 0
            }
            finally { $reader.Dispose() }
        }

        # Root passes every permission check, so the denied open runs as nobody (setpriv, util-linux).
        It 'reports permission denied for another user as PermissionDenied' {
            Assert-CanRunAsNobody
            $result = Invoke-IpcPeerAsNobody "try { Open-IpcFifo -Path '$fifo' -Direction Read -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.TargetObject }"
            $lines = $result.Lines
            $lines[0] | Should -Be 'open,EACCES,PSIpc.Commands.OpenIpcFifoCommand'
            $lines[1] | Should -Be 'PermissionDenied'
            $lines[2] | Should -Be $fifo
        }
    }
}

Describe 'Remove-IpcFifo' {
    It 'removes FIFOs from the pipeline' {
        $made = 'r1', 'r2' | ForEach-Object { Join-Path $TestDrive $_ } | New-IpcFifo
        $made | Remove-IpcFifo
        foreach ($m in $made) { $m.Path | Should -Not -Exist }
    }

    It 'expands wildcards in -Path' {
        'w1', 'w2' | ForEach-Object { Join-Path $TestDrive "wild-$_" } | New-IpcFifo | Out-Null
        Remove-IpcFifo -Path (Join-Path $TestDrive 'wild-*')
        Get-ChildItem -Path (Join-Path $TestDrive 'wild-*') | Should -HaveCount 0
    }

    It 'leaves the FIFO with -WhatIf' {
        $f = New-IpcFifo -Path (Join-Path $TestDrive 'kept')
        Remove-IpcFifo -LiteralPath $f.Path -WhatIf
        $f.Path | Should -Exist
        Remove-IpcFifo -LiteralPath $f.Path -Confirm:$false
        $f.Path | Should -Not -Exist
    }

    It 'refuses to remove a regular file' {
        $file = Join-Path $TestDrive 'keep.txt'
        Set-Content -LiteralPath $file -Value 'data' -NoNewline
        $err = { Remove-IpcFifo -LiteralPath $file -ErrorAction Stop } | Should -Throw -ErrorId 'NotAFifo,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-Content -LiteralPath $file -Raw) | Should -Be 'data'
        Remove-Item -LiteralPath $file -Force
    }

    It 'reports a missing path as ObjectNotFound' {
        $err = { Remove-IpcFifo -LiteralPath (Join-Path $TestDrive 'gone') -ErrorAction Stop } | Should -Throw -ErrorId 'lstat,ENOENT,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a wildcard that matches nothing' {
        $err = { Remove-IpcFifo -Path (Join-Path $TestDrive 'none-*') -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

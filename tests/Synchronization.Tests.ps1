# New-/Connect-/Lock-/Unlock-/Remove-IpcSemaphore, Lock-/Unlock-IpcFile and Use-IpcLock, across processes and
# against util-linux flock.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $semBefore = @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'sem.psipc-test-*').Count
}

AfterAll {
    foreach ($f in (Get-ChildItem -LiteralPath '/dev/shm' -Filter 'sem.psipc-test-*')) {
        Remove-IpcSemaphore -Name ('/' + $f.Name.Substring(4)) -ErrorAction SilentlyContinue
    }
    Remove-TestRoot
}

Describe 'IPC semaphores' {
    Context 'lifecycle' {
        It 'creates an owner-only semaphore with a value, and counts down and up' {
            $s = New-IpcSemaphore (New-TestName) -InitialCount 2
            try {
                $s | Should -BeOfType ([PSIpc.IpcSemaphore])
                $s.Value | Should -Be 2
                $s.Mode | Should -Be '0600'
                Lock-IpcSemaphore $s
                Lock-IpcSemaphore $s
                $s.Value | Should -Be 0
                Unlock-IpcSemaphore $s
                $s.Value | Should -Be 1
                (Connect-IpcSemaphore $s.Name).Value | Should -Be 1
            }
            finally { $s | Remove-IpcSemaphore }
            $s.Path | Should -Not -Exist
        }

        It 'connects by name from the pipeline and removes by name' {
            $s = New-IpcSemaphore (New-TestName) -InitialCount 4
            $s.Dispose()
            ($s.Name | Connect-IpcSemaphore).Value | Should -Be 4
            Remove-IpcSemaphore -Name $s.Name
            $s.Path | Should -Not -Exist
        }

        It 'gives exactly -Mode whatever the umask' {
            $s = New-IpcSemaphore (New-TestName) -Mode 0640
            try { $s.Mode | Should -Be '0640' } finally { $s | Remove-IpcSemaphore }
        }

        It 'refuses an existing name without -Force and opens it with -Force' {
            $s = New-IpcSemaphore (New-TestName) -InitialCount 3
            try {
                $err = { New-IpcSemaphore $s.Name } | Should -Throw -ErrorId 'sem_open,EEXIST,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'ResourceExists'
                (New-IpcSemaphore $s.Name -Force).Value | Should -Be 3
            }
            finally { $s | Remove-IpcSemaphore }
        }

        It 'reports a missing semaphore as ObjectNotFound' {
            $err = { Connect-IpcSemaphore '/psipc-test-missing' -ErrorAction Stop } | Should -Throw -ErrorId 'sem_open,ENOENT,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be '/psipc-test-missing'
        }

        It 'rejects invalid names' -TestCases @(@{ Name = 'plain' }, @{ Name = '/a/b' }) {
            { New-IpcSemaphore $Name } | Should -Throw -ErrorId 'InvalidName,*'
        }

        It 'reports a value overflow' {
            $s = New-IpcSemaphore (New-TestName) -InitialCount ([int]::MaxValue)
            try {
                $err = { Unlock-IpcSemaphore $s -ErrorAction Stop } | Should -Throw -ErrorId 'SemaphoreOverflow,*' -PassThru
                $err.ErrorDetails.Message | Should -Match 'maximum'
                $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            }
            finally { $s | Remove-IpcSemaphore }
        }
    }

    Context 'waiting' {
        BeforeAll { $s = New-IpcSemaphore (New-TestName) -InitialCount 0 }
        AfterAll { $s | Remove-IpcSemaphore }

        It 'fails at once with ResourceBusy under -NoWait' {
            $err = { Lock-IpcSemaphore $s -NoWait -ErrorAction Stop } | Should -Throw -ErrorId 'SemaphoreBusy,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }

        It 'times out with OperationTimeout' {
            $elapsed = Measure-Command { $err = { Lock-IpcSemaphore $s -Timeout 0.3 } | Should -Throw -ErrorId 'SemaphoreTimeout,*' -PassThru }
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.25
        }

        It 'is released by another process' {
            $peer = Start-IpcPeer -Script "`$s = Connect-IpcSemaphore '$($s.Name)'; Start-Sleep -Milliseconds 300; Unlock-IpcSemaphore `$s"
            Lock-IpcSemaphore $s -Timeout 30
            (Wait-TestPeer $peer).ExitCode | Should -Be 0
        }

        It 'stops waiting on Ctrl+C' {
            Assert-StopsOnCtrlC -Script 'Lock-IpcSemaphore -Semaphore $args[0]' -Argument $s
        }
    }
}

Describe 'Use-IpcLock' {
    It 'runs the block holding the semaphore and releases it, also when the block throws' {
        $s = New-IpcSemaphore (New-TestName)
        try {
            Use-IpcLock $s { $s.Value } | Should -Be 0
            $s.Value | Should -Be 1
            { Use-IpcLock $s { throw 'inside' } } | Should -Throw -ExpectedMessage 'inside'
            $s.Value | Should -Be 1
        }
        finally { $s | Remove-IpcSemaphore }
    }

    It 'keeps a counter exact: 4 processes x 10,000 increments under the lock end at 40,000' {
        $s = New-IpcSemaphore (New-TestName)
        $m = New-SharedMemory 8 -Name (New-TestName)
        try {
            $script = "`$s = Connect-IpcSemaphore '$($s.Name)'; `$m = Connect-SharedMemory -Name '$($m.Name)'; for (`$i = 0; `$i -lt 10000; `$i++) { Use-IpcLock `$s { `$m.WriteInt64(0, `$m.ReadInt64(0) + 1) } }"
            $peers = 1..4 | ForEach-Object { Start-IpcPeer -Script $script }
            foreach ($p in $peers) { (Wait-TestPeer $p -TimeoutSeconds 300).ExitCode | Should -Be 0 }
            $m.ReadInt64(0) | Should -Be 40000
        }
        finally {
            $s | Remove-IpcSemaphore
            $m | Remove-SharedMemory
        }
    }

    It 'shows why the lock exists: the same increments without it (the count is reported, not asserted)' {
        $m = New-SharedMemory 8 -Name (New-TestName)
        try {
            $script = "`$m = Connect-SharedMemory -Name '$($m.Name)'; for (`$i = 0; `$i -lt 10000; `$i++) { `$m.WriteInt64(0, `$m.ReadInt64(0) + 1) }"
            $peers = 1..4 | ForEach-Object { Start-IpcPeer -Script $script }
            foreach ($p in $peers) { (Wait-TestPeer $p -TimeoutSeconds 300).ExitCode | Should -Be 0 }
            $count = $m.ReadInt64(0)
            [Console]::Out.WriteLine("      without the lock, 4 x 10,000 increments gave $count (lost updates: $(40000 - $count))")
            $count | Should -BeLessOrEqual 40000
            $count | Should -BeGreaterThan 0
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'holds a file lock that util-linux flock respects' {
        $file = Join-Path $TestDrive 'use.lock'
        $inside = Use-IpcLock -Path $file {
            (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', $file, 'true'))).ExitCode
        }
        $inside | Should -Be 1
        (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', $file, 'true'))).ExitCode | Should -Be 0
    }
}

Describe 'Lock-IpcFile' {
    It 'refuses a symbolic link, and never creates a dangling link''s target' {
        $target = Join-Path $TestDrive 'not-there.lock'
        $link = Join-Path $TestDrive 'dangling.lock'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        $err = { Lock-IpcFile -Path $link -NoWait -ErrorAction Stop } | Should -Throw -ErrorId 'open,ELOOP,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -Match 'symbolic link'
        $target | Should -Not -Exist
    }

    BeforeAll { $file = Join-Path $TestDrive 'data.lock' }

    It 'takes a whole-file lock that excludes util-linux flock until unlocked' {
        $held = Lock-IpcFile $file
        try {
            $held.IsHeld | Should -BeTrue
            (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', $file, 'true'))).ExitCode | Should -Be 1
        }
        finally { $held | Unlock-IpcFile }
        $held.IsHeld | Should -BeFalse
        (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', $file, 'true'))).ExitCode | Should -Be 0
    }

    It 'waits for a lock a shell script holds: -NoWait fails with ResourceBusy, -Timeout with OperationTimeout' {
        $mark = Join-Path $TestDrive 'holding'
        $shell = Start-TestProcess -FileName 'flock' -ArgumentList @($file, 'bash', '-c', "touch '$mark'; sleep 3")
        Wait-TestCondition { Test-Path -LiteralPath $mark } -What 'flock to hold the lock'
        $err = { Lock-IpcFile $file -NoWait -ErrorAction Stop } | Should -Throw -ErrorId 'FileLockBusy,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err.TargetObject | Should -Be $file
        $err = { Lock-IpcFile $file -Timeout 0.3 -ErrorAction Stop } | Should -Throw -ErrorId 'FileLockTimeout,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $held = Lock-IpcFile $file -Timeout 30
        $held | Unlock-IpcFile
        (Wait-TestPeer $shell).ExitCode | Should -Be 0
    }

    It 'lets shared locks coexist and excludes an exclusive one' {
        $a = Lock-IpcFile $file -Shared
        $b = Lock-IpcFile $file -Shared -NoWait
        try {
            $b.IsHeld | Should -BeTrue
            (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', '-s', $file, 'true'))).ExitCode | Should -Be 0
            (Wait-TestPeer (Start-TestProcess -FileName 'flock' -ArgumentList @('-n', '-x', $file, 'true'))).ExitCode | Should -Be 1
        }
        finally { $a, $b | Unlock-IpcFile }
    }

    It 'locks byte ranges independently, and a conflicting range waits' {
        $first = Lock-IpcFile $file -Offset 0 -Length 100
        try {
            $first.Offset | Should -Be 0
            $other = Lock-IpcFile $file -Offset 100 -Length 100 -NoWait
            $other.IsHeld | Should -BeTrue
            $other | Unlock-IpcFile
            { Lock-IpcFile $file -Offset 50 -Length 10 -NoWait -ErrorAction Stop } | Should -Throw -ErrorId 'FileLockBusy,*'
        }
        finally { $first | Unlock-IpcFile }
        (Lock-IpcFile $file -Offset 50 -Length 10 -NoWait) | Unlock-IpcFile
    }

    It 'leaves no semaphores behind' {
        @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'sem.psipc-test-*').Count | Should -Be $semBefore
    }
}

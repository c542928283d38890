# Get-IpcObject and Remove-IpcObject: what exists on the machine, made by the module or by ipcmk, matched with ipcs.
BeforeAll {
    . $PSScriptRoot/common.ps1
    function Invoke-Tool {
        param([string]$Name, [string[]]$Arguments)
        $r = Wait-TestPeer (Start-TestProcess -FileName $Name -ArgumentList $Arguments)
        if ($r.ExitCode -ne 0) { throw "$Name failed: $($r.StdErr)" }
        $r.StdOut
    }
}

AfterAll {
    Remove-TestRoot
}

Describe 'Get-IpcObject' {
    It 'lists System V objects as ipcs does, whoever made them, and Remove-IpcObject removes them' {
        $queue = New-IpcMessageQueue -Private
        Send-IpcMessage $queue 'one' -Encoding Text
        $semOut = Invoke-Tool 'ipcmk' @('-S', '3')
        $semId = [int]([regex]::Match($semOut, '\d+').Value)
        try {
            $q = Get-IpcObject -Kind MessageQueue | Where-Object Id -EQ $queue.Id
            $q.Facility | Should -Be 'SystemV'
            $q.Mode | Should -Be '0600'
            $q.Count | Should -Be 1
            $q.Size | Should -Be 3
            $q.LastProcessId | Should -Be $PID
            (Invoke-Tool 'ipcs' @('-q', '-i', "$($queue.Id)")) | Should -Match "msqid=$($queue.Id)"
            $s = Get-IpcObject -Kind Semaphore | Where-Object Id -EQ $semId
            $s.Count | Should -Be 3
            $s.Mode | Should -Be '0644'
            $s, $q | Remove-IpcObject
            @(Get-IpcObject | Where-Object { $_.Facility -eq 'SystemV' -and $_.Id -in $queue.Id, $semId }) | Should -HaveCount 0
            (Invoke-Tool 'ipcs' @('-s')) | Should -Not -Match "\b$semId\b.*root"
        }
        finally {
            Get-IpcObject -Kind Semaphore | Where-Object Id -EQ $semId | Remove-IpcObject
        }
    }

    It 'lists what a C program made, with the figures ipcs shows, and Remove-IpcObject removes it' {
        $c = Build-CPeer 'ipc_create' -Libraries @('-lrt')
        $key = 0x5e100000 + ($PID % 0xFFFF)
        $name = New-TestName
        $made = Invoke-Tool $c @("$key", $name)
        $msqid, $shmid, $cpid = [int[]]($made.Trim() -split ' ')
        try {
            $q = Get-IpcObject -Kind MessageQueue -Key $key
            $q.Id | Should -Be $msqid
            $q.Mode | Should -Be '0640'
            $q.Count | Should -Be 1
            $q.Size | Should -Be 11
            $q.LastProcessId | Should -Be $cpid
            $ipcsQ = Invoke-Tool 'ipcs' @('-q', '-i', "$msqid")
            $ipcsQ | Should -Match "qnum=1\b"
            $ipcsQ | Should -Match "lspid=$cpid\b"
            $ipcsQ | Should -Match "mode=0?640\b"
            $m = Get-IpcObject -Kind SharedMemory -Key ($key + 1)
            $m.Id | Should -Be $shmid
            $m.Size | Should -Be 8192
            $m.CreatorProcessId | Should -Be $cpid
            Invoke-Tool 'ipcs' @('-m', '-i', "$shmid") | Should -Match "bytes=8192\b.*cpid=$cpid\b"
            $p = Get-IpcObject -Kind SharedMemory -Name $name
            $p.Facility | Should -Be 'Posix'
            $p.Size | Should -Be 4096
            $p.Mode | Should -Be '0640'
            # Every System V queue and segment ipcs lists, Get-IpcObject lists too, with the same ids.
            $ipcsIds = [regex]::Matches((Invoke-Tool 'ipcs' @('-q', '-m')), '(?m)^0x[0-9a-f]+\s+(\d+)') | ForEach-Object { [int]$_.Groups[1].Value }
            $ours = Get-IpcObject -Kind MessageQueue, SharedMemory | Where-Object Facility -EQ 'SystemV' | ForEach-Object { $_.Id }
            @($ours | Sort-Object) | Should -Be @($ipcsIds | Sort-Object)
            $q, $m, $p | Remove-IpcObject
            Invoke-Tool 'ipcs' @('-q', '-m') | Should -Not -Match "\b($msqid|$shmid)\b"
            "/dev/shm$name" | Should -Not -Exist
        }
        finally {
            Get-IpcObject -Kind MessageQueue -Key $key | Remove-IpcObject
            Get-IpcObject -Kind SharedMemory -Key ($key + 1) | Remove-IpcObject
            Get-IpcObject -Kind SharedMemory -Name $name | Remove-IpcObject
        }
    }

    It 'lists the FIFOs and socket files this session made, not those of other processes, and removes them' {
        $fifo = Join-Path $TestDrive 'listed.fifo'
        $other = Join-Path $TestDrive 'other.fifo'
        $socket = Join-Path $TestDrive 'listed.sock'
        $null = New-IpcFifo $fifo
        $server = New-IpcSocketServer -Path $socket -Mode 0660
        $null = Invoke-Tool 'mkfifo' @($other)
        try {
            $found = @(Get-IpcObject -Kind Fifo, Socket | Where-Object { $_.Path -in $fifo, $socket, $other })
            $found | Should -HaveCount 2
            $f = $found | Where-Object Kind -EQ 'Fifo'
            $f.Path | Should -Be $fifo
            $f.Mode | Should -Be '0600'
            ($found | Where-Object Kind -EQ 'Socket').Mode | Should -Be '0660'
            $found | Remove-IpcObject -WhatIf
            $fifo | Should -Exist
            $found | Remove-IpcObject
            $fifo | Should -Not -Exist
            $socket | Should -Not -Exist
            $other | Should -Exist -Because 'a FIFO another process made is not listed, so not removed'
            @(Get-IpcObject -Kind Fifo, Socket | Where-Object { $_.Path -in $fifo, $socket }) | Should -HaveCount 0
        }
        finally {
            $server | Stop-IpcSocketServer
            Remove-Item -LiteralPath $other -Force -ErrorAction Ignore
            Remove-Item -LiteralPath $fifo -Force -ErrorAction Ignore
        }
    }

    It 'pipes what it lists into the Connect- cmdlets' {
        $q = New-IpcMessageQueue -Private
        $segment = New-SharedMemory 4096 -Private
        $shm = New-SharedMemory 4096 -Name (New-TestName)
        try {
            $queue = Get-IpcObject -Kind MessageQueue | Where-Object Id -EQ $q.Id | Connect-IpcMessageQueue
            Send-IpcMessage $queue 'through the pipeline' -Encoding Text
            Receive-IpcMessage $q -Encoding Text -Timeout 5 | Should -Be 'through the pipeline'
            (Get-IpcObject -Kind SharedMemory | Where-Object Id -EQ $segment.Id | Connect-SharedMemory).Id | Should -Be $segment.Id
            (Get-IpcObject -Kind SharedMemory -Name $shm.Name | Connect-SharedMemory).Name | Should -Be $shm.Name
        }
        finally {
            $q | Remove-IpcMessageQueue
            $segment, $shm | Remove-SharedMemory
        }
    }

    It 'shows the processes blocked on a System V semaphore set, as ipcs -s -i counts them' {
        $c = Build-CPeer 'sem_op'
        $semId = [int]([regex]::Match((Invoke-Tool 'ipcmk' @('-S', '2')), '\d+').Value)
        $peers = @()
        try {
            $null = Invoke-Tool $c @('set', "$semId", '1', '1')
            # One process waits for semaphore 0 to rise above 0, another for semaphore 1 to fall to 0.
            $peers = @(
                Start-TestProcess -FileName $c -ArgumentList @('op', "$semId", '0', '-1')
                Start-TestProcess -FileName $c -ArgumentList @('op', "$semId", '1', '0')
            )
            Wait-TestCondition -What 'two waiters on the set' {
                $s = Get-IpcObject -Kind Semaphore | Where-Object Id -EQ $semId
                $s.WaitingForIncrease -eq 1 -and $s.WaitingForZero -eq 1
            }
            $ipcs = Invoke-Tool 'ipcs' @('-s', '-i', "$semId")
            $ipcs | Should -Match '(?m)^0\s+0\s+1\s+0\s'
            $ipcs | Should -Match '(?m)^1\s+1\s+0\s+1\s'
            Get-IpcObject -Kind Semaphore | Where-Object Id -EQ $semId | Remove-IpcObject
            # Removing the set wakes both waiters with EIDRM.
            foreach ($p in $peers) {
                $r = Wait-TestPeer $p
                $r.ExitCode | Should -Be 1
                $r.StdErr | Should -Match 'semop'
            }
        }
        finally {
            Get-IpcObject -Kind Semaphore | Where-Object Id -EQ $semId | Remove-IpcObject
            Stop-TestPeers
        }
    }

    It 'lists POSIX objects with their names, filters by name, key and owner, and leaves them with -WhatIf' {
        $name = New-TestName
        $shm = New-SharedMemory 4KB -Name $name
        $sem = New-IpcSemaphore "$name-sem"
        $key = [System.Random]::new().Next(0x10000, 0x7ffffff)
        $seg = New-SharedMemory 4KB -Key $key
        try {
            $found = Get-IpcObject -Name "$name*"
            ($found | Where-Object Kind -EQ 'SharedMemory').Size | Should -Be 4096
            ($found | Where-Object Kind -EQ 'Semaphore').Name | Should -Be "$name-sem"
            (Get-IpcObject -Key $key).Id | Should -Be $seg.Id
            @(Get-IpcObject -Owner nobody -Name "$name*") | Should -HaveCount 0
            $found | Remove-IpcObject -WhatIf
            @(Get-IpcObject -Name "$name*") | Should -HaveCount 2
            $found | Remove-IpcObject
            @(Get-IpcObject -Name "$name*") | Should -HaveCount 0
        }
        finally {
            $shm.Dispose(); $sem.Dispose()
            $seg | Remove-SharedMemory
        }
    }

    It 'shows POSIX queues and their messages when /dev/mqueue is mounted' -Skip:(-not (Test-Path -LiteralPath '/dev/mqueue' -PathType Container)) {
        $q = New-IpcMessageQueue -Name (New-TestName)
        try {
            'a', 'b' | Send-IpcMessage $q -Encoding Text
            $o = Get-IpcObject -Kind MessageQueue -Name $q.Name
            $o.Count | Should -Be 2
            $o.Size | Should -Be 2
            $o | Remove-IpcObject
            { Connect-IpcMessageQueue -Name $q.Name -ErrorAction Stop } | Should -Throw -ErrorId 'mq_open,ENOENT,*'
        }
        finally { $q.Dispose() }
    }

    It 'lists, for another user, root''s owner-only POSIX queue and semaphore without failing, and the user''s own objects in full' -Skip:(-not (Test-Path -LiteralPath '/dev/mqueue' -PathType Container)) {
        Assert-CanRunAsNobody
        $q = New-IpcMessageQueue -Name (New-TestName)
        $sem = New-IpcSemaphore (New-TestName)
        try {
            'a' | Send-IpcMessage $q -Encoding Text
            $script = "`$all = Get-IpcObject -ErrorAction Stop; `$q = `$all | Where-Object Name -EQ '$($q.Name)'; `$s = `$all | Where-Object Name -EQ '$($sem.Name)'; `$q.Owner; [string]`$q.Size; `$s.Owner; `$mine = New-IpcMessageQueue -Name '/psipc-test-nobody-$PID'; (Get-IpcObject -Owner nobody -Kind MessageQueue).Name; Get-IpcObject -Owner nobody | Remove-IpcObject -Confirm:`$false -ErrorAction Stop; 'removed'"
            $result = Invoke-IpcPeerAsNobody $script
            $result.StdErr | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $result.Lines | Should -Be @('root', '', 'root', "/psipc-test-nobody-$PID", 'removed')
        }
        finally {
            $q | Remove-IpcMessageQueue
            $sem | Remove-IpcSemaphore
            Remove-IpcMessageQueue -Name "/psipc-test-nobody-$PID" -ErrorAction SilentlyContinue
        }
    }

    It 'reports an object that is gone as ObjectNotFound' {
        $q = New-IpcMessageQueue -Private
        $o = Get-IpcObject -Kind MessageQueue | Where-Object Id -EQ $q.Id
        $q | Remove-IpcMessageQueue
        $err = { $o | Remove-IpcObject -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument' -Because 'msgctl says EINVAL for an id that no longer exists'
    }
}

Describe 'Get-IpcObject -Kind FileLock' {
    It 'shows who holds a lock and who waits behind it, and refuses to remove a lock' {
        $file = Join-Path $TestDrive 'deadlock.lock'
        $held = Lock-IpcFile $file
        try {
            $waiter = Start-TestProcess -FileName 'flock' -ArgumentList @($file, 'true')
            Wait-TestCondition { @(Get-IpcObject -Kind FileLock | Where-Object { $_.Waiting -and $_.ProcessId -eq $waiter.Id }).Count -eq 1 } -What 'flock to wait'
            $locks = @(Get-IpcObject -Kind FileLock | Where-Object { $_.Path -eq $file })
            $holder = $locks | Where-Object { -not $_.Waiting }
            $blocked = $locks | Where-Object Waiting
            $holder.ProcessId | Should -Be $PID
            $holder.Facility | Should -Be 'FLOCK'
            $holder.Access | Should -Be 'WRITE'
            $blocked.ProcessId | Should -Be $waiter.Id
            $blocked.ProcessName | Should -Be 'flock'
            $blocked.LockNumber | Should -Be $holder.LockNumber
            $err = { $holder | Remove-IpcObject -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotRemovable,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        finally { $held | Unlock-IpcFile }
        (Wait-TestPeer $waiter).ExitCode | Should -Be 0
    }
}

# New-, Connect-, Remove-IpcMessageQueue and Send/Receive-IpcMessage on System V and POSIX queues, against C, Python
# and ipcs/ipcrm peers.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $queuesBefore = Get-SysVQueueIds
    $made = [System.Collections.Generic.List[object]]::new()
    function New-TestQueue {
        param([switch]$Posix, [hashtable]$Options = @{})
        $q = if ($Posix) { New-IpcMessageQueue -Name "/psipc-test-$([guid]::NewGuid().ToString('N').Substring(0, 12))" @Options } else { New-IpcMessageQueue -Private @Options }
        $made.Add($q)
        $q
    }
}

AfterAll {
    foreach ($q in $made) {
        try { if ($q.QueueKind -eq 'Posix') { Remove-IpcMessageQueue -Name $q.Name -ErrorAction Stop } else { $q | Remove-IpcMessageQueue -ErrorAction Stop } } catch { }
    }
    Remove-TestRoot
}

Describe 'System V message queues' {
    Context 'create, connect, remove' {
        It 'creates an owner-only private queue that ipcs lists, and removes it' {
            $q = New-TestQueue
            $q | Should -BeOfType ([PSIpc.SysVMessageQueue])
            $q.Kind | Should -Be 'MessageQueue'
            $q.Mode | Should -Be '0600'
            $q.Owner | Should -Be ([System.Environment]::UserName)
            Get-SysVQueueIds | Should -Contain $q.Id
            $q | Remove-IpcMessageQueue
            Get-SysVQueueIds | Should -Not -Contain $q.Id
            $q.IsOpen | Should -BeFalse
        }

        It 'creates by key with -Mode, refuses the key twice, and opens it with -Force and Connect' {
            $key = [System.Random]::new().Next(0x10000, 0x7ffffff)
            $hex = '0x' + $key.ToString('x8')
            $q = New-IpcMessageQueue -Key $hex -Mode 0640
            $made.Add($q)
            $q.Key | Should -Be $key
            $q.KeyHex | Should -Be $hex
            $q.Mode | Should -Be '0640'
            $err = { New-IpcMessageQueue -Key $key } | Should -Throw -ErrorId 'msgget,EEXIST,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
            (New-IpcMessageQueue -Key $key -Force).Id | Should -Be $q.Id
            (Connect-IpcMessageQueue -Key $hex).Id | Should -Be $q.Id
            (Connect-IpcMessageQueue -Id $q.Id).Key | Should -Be $key
        }

        It 'refuses -MaxBytes <Bytes>, which the kernel''s 32-bit msg_qbytes would wrap, and makes no queue' -ForEach @(@{ Bytes = 1099511627776 }, @{ Bytes = 4294967396 }, @{ Bytes = 2147483648 }) {
            $before = @(Get-SysVQueueIds)
            { New-IpcMessageQueue -Private -MaxBytes $Bytes } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSIpc.Commands.NewIpcMessageQueueCommand'
            @(Get-SysVQueueIds | Where-Object { $_ -notin $before }) | Should -HaveCount 0
            (New-TestQueue -Options @{ MaxBytes = 8192 }).MaxBytes | Should -Be 8192 -Because 'a value in range is taken as it is'
        }

        It 'refuses key 0, which the kernel reads as IPC_PRIVATE, for queues and segments alike' -ForEach @(
            @{ Call = { New-IpcMessageQueue -Key 0 } ; Id = 'InvalidKey,PSIpc.Commands.NewIpcMessageQueueCommand' }
            @{ Call = { Connect-IpcMessageQueue -Key 0 -ErrorAction Stop } ; Id = 'InvalidKey,PSIpc.Commands.ConnectIpcMessageQueueCommand' }
            @{ Call = { New-SharedMemory 4KB -Key 0 } ; Id = 'InvalidKey,PSIpc.Commands.NewSharedMemoryCommand' }
            @{ Call = { Connect-SharedMemory -Key 0 -ErrorAction Stop } ; Id = 'InvalidKey,PSIpc.Commands.ConnectSharedMemoryCommand' }
        ) {
            $before = @(Get-SysVQueueIds) + @(Get-SysVSegmentIds)
            $err = $Call | Should -Throw -ErrorId $Id -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.ErrorDetails.Message | Should -Match 'IPC_PRIVATE.*-Private'
            @(@(Get-SysVQueueIds) + @(Get-SysVSegmentIds) | Where-Object { $_ -notin $before }) | Should -HaveCount 0
        }

        It 'leaves the queue with -WhatIf' {
            $q = New-TestQueue
            $q | Remove-IpcMessageQueue -WhatIf
            Get-SysVQueueIds | Should -Contain $q.Id
            New-IpcMessageQueue -Private -WhatIf | Should -BeNullOrEmpty
        }

        It 'reports a missing key as ObjectNotFound with the key as target' {
            $err = { Connect-IpcMessageQueue -Key 0x7eadbeef -ErrorAction Stop } | Should -Throw -ErrorId 'msgget,ENOENT,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be '0x7eadbeef'
        }

        It 'is removed by ipcrm, and a waiting receive then fails instead of hanging' {
            $q = New-TestQueue
            $ipcrm = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'sleep 0.5; ipcrm -q "$0"', "$($q.Id)")
            $elapsed = Measure-Command { $err = { Receive-IpcMessage $q -Timeout 20 } | Should -Throw -ErrorId 'msgrcv,EIDRM,*' -PassThru }
            $err.ErrorDetails.Message | Should -Match 'was removed'
            $elapsed.TotalSeconds | Should -BeLessThan 15
            (Wait-TestPeer $ipcrm).ExitCode | Should -Be 0
        }
    }

    Context 'messages' {
        BeforeAll { $q = New-TestQueue }

        It 'receives by type in msgrcv order (types 3,1,2,1; -Type 1, 1, -2, 0)' {
            $sends = @(@{ Body = 'a3'; Type = 3 }, @{ Body = 'b1'; Type = 1 }, @{ Body = 'c2'; Type = 2 }, @{ Body = 'd1'; Type = 1 })
            foreach ($s in $sends) { Send-IpcMessage $q $s.Body -Type $s.Type -Encoding Text }
            Receive-IpcMessage $q -Type 1 -Timeout 5 | Should -Be 'b1'
            Receive-IpcMessage $q -Type 1 -Timeout 5 | Should -Be 'd1'
            $m = Receive-IpcMessage $q -Type -2 -Timeout 5 -AsEnvelope
            $m.Body | Should -Be 'c2'
            $m.Type | Should -Be 2
            Receive-IpcMessage $q -Type 0 -Timeout 5 | Should -Be 'a3'
        }

        It 'round-trips objects (CliXml carries a header) and bare text' {
            Send-IpcMessage $q ([pscustomobject]@{ Name = 'x'; Inner = @{ N = 1 } })
            (Receive-IpcMessage $q -Timeout 5).Inner.N | Should -Be 1
            Send-IpcMessage $q 'plain' -Encoding Text
            $m = Receive-IpcMessage $q -Timeout 5 -AsEnvelope
            $m.Body | Should -Be 'plain'
            $m.Length | Should -Be 5
        }

        It 'returns nothing at once with -NoWait on an empty queue' {
            $elapsed = Measure-Command { Receive-IpcMessage $q -NoWait | Should -BeNullOrEmpty }
            $elapsed.TotalSeconds | Should -BeLessThan 5
        }

        It 'times out a receive with OperationTimeout' {
            $err = { Receive-IpcMessage $q -Timeout 0.2 } | Should -Throw -ErrorId 'ReceiveTimeout,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err.TargetObject | Should -Be $q
        }

        It 'rejects -Type below 1 on send' {
            { Send-IpcMessage $q 'x' -Type 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'rejects a message above msgmax and names the limit and its setting' {
            $max = [int](Get-Content -LiteralPath '/proc/sys/kernel/msgmax' -Raw)
            $err = { Send-IpcMessage $q ('x' * ($max + 1)) -Encoding Text -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMessage,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.ErrorDetails.Message | Should -Match "at most $max bytes"
            $err.ErrorDetails.Message | Should -Match '/proc/sys/kernel/msgmax'
        }
    }

    Context 'a full queue' {
        BeforeAll {
            $full = New-TestQueue -Options @{ MaxBytes = 4096 }
            $chunk = [byte[]]::new(1024)
            1..4 | ForEach-Object { Send-IpcMessage $full -InputObject $chunk -Encoding Bytes -NoWait }
        }

        It 'shows its limits and contents' {
            $full.MaxBytes | Should -Be 4096
            $full.MessageCount | Should -Be 4
            $full.BytesUsed | Should -Be 4096
        }

        It 'fails at once with ResourceBusy under -NoWait' {
            $err = { Send-IpcMessage $full -InputObject $chunk -Encoding Bytes -NoWait } | Should -Throw -ErrorId 'msgsnd,EAGAIN,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }

        It 'waits, then times out with OperationTimeout' {
            $elapsed = Measure-Command { { Send-IpcMessage $full -InputObject $chunk -Encoding Bytes -Timeout 0.3 } | Should -Throw -ErrorId 'SendTimeout,*' }
            $elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.25
        }

        It 'goes on once a receiver makes room' {
            $null = Receive-IpcMessage $full -Encoding Bytes
            { Send-IpcMessage $full -InputObject $chunk -Encoding Bytes -Timeout 5 } | Should -Not -Throw
        }
    }

    Context 'peers' -Tag 'Peer' {
        BeforeAll { $q = New-TestQueue }

        It 'reads what a C program with a fixed-size struct sends (NUL padding dropped)' {
            $c = Build-CPeer 'sysv_msg'
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('send', "$($q.Id)", '4', 'Hello from C'))).ExitCode | Should -Be 0
            $m = Receive-IpcMessage $q -Timeout 5 -AsEnvelope
            $m.Body | Should -BeExactly 'Hello from C'
            $m.Type | Should -Be 4
            $m.Length | Should -Be 12
        }

        It 'sends what a C program with a fixed-size struct receives' {
            $c = Build-CPeer 'sysv_msg'
            Send-IpcMessage $q 'Hello from PowerShell' -Encoding Text -Type 2
            $result = Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('recv', "$($q.Id)", '2'))
            $result.ExitCode | Should -Be 0
            $result.StdOut.Trim() | Should -Be 'type 2: Hello from PowerShell'
        }

        # Debian's python3-sysv-ipc (.ci/run installs it); sysv_ipc opens queues by key.
        It 'talks to Python''s sysv_ipc in both directions' {
            Assert-PythonSysVIpc
            $keyed = New-IpcMessageQueue -Key ([System.Random]::new().Next(0x10000, 0x7ffffff))
            $made.Add($keyed)
            $py = "import sysv_ipc, sys`nq = sysv_ipc.MessageQueue(int(sys.argv[1]))`nq.send(b'from python', type=7)`nbody, t = q.receive(type=8)`nprint(body.decode(), t)"
            $peer = Start-TestProcess -FileName '/usr/bin/python3' -ArgumentList @('-c', $py, "$($keyed.Key)")
            $m = Receive-IpcMessage $keyed -Type 7 -Timeout 20 -AsEnvelope
            $m.Body | Should -Be 'from python'
            Send-IpcMessage $keyed 'from PowerShell' -Type 8 -Encoding Text
            $result = Wait-TestPeer $peer
            $result.StdErr | Should -BeNullOrEmpty
            $result.StdOut.Trim() | Should -Be 'from PowerShell 8'
        }

        It 'keeps every message and each writer''s order with 4 writers of 1000 messages' {
            $writers = foreach ($w in 1..4) {
                Start-IpcPeer -Script "`$q = Connect-IpcMessageQueue -Id $($q.Id); 1..1000 | ForEach-Object { `"$w`:`$_`" } | Send-IpcMessage `$q -Encoding Text -Timeout 60"
            }
            $got = Receive-IpcMessage $q -Count 4000 -Timeout 60
            $got | Should -HaveCount 4000
            foreach ($w in 1..4) {
                $mine = @($got | Where-Object { $_.StartsWith("$w`:") } | ForEach-Object { [int]$_.Substring(2) })
                $mine | Should -HaveCount 1000
                $mine | Should -Be (1..1000)
            }
            foreach ($p in $writers) { (Wait-TestPeer $p).ExitCode | Should -Be 0 }
        }

        It 'refuses another user with PermissionDenied' {
            Assert-CanRunAsNobody
            $result = Invoke-IpcPeerAsNobody "try { Connect-IpcMessageQueue -Id $($q.Id) -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category }"
            $lines = $result.Lines
            $lines[0] | Should -Be 'msgctl,EACCES,PSIpc.Commands.ConnectIpcMessageQueueCommand'
            $lines[1] | Should -Be 'PermissionDenied'
        }
    }
}

Describe 'POSIX message queues' {
    Context 'create, connect, remove' {
        It 'creates an owner-only queue with exactly the mode, whatever the umask' {
            $q = New-TestQueue -Posix
            $q | Should -BeOfType ([PSIpc.PosixMessageQueue])
            $q.Mode | Should -Be '0600'
            $q.MaxMessages | Should -BeGreaterThan 0
            $q2 = New-TestQueue -Posix -Options @{ Mode = '0640'; MaxMessages = 3; MaxMessageSize = 64 }
            $q2.Mode | Should -Be '0640'
            $q2.MaxMessages | Should -Be 3
            $q2.MaxMessageBytes | Should -Be 64
        }

        It 'refuses an existing name, opens it with -Force and Connect, and removes it by name' {
            $q = New-TestQueue -Posix
            $err = { New-IpcMessageQueue -Name $q.Name } | Should -Throw -ErrorId 'mq_open,EEXIST,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
            $err.TargetObject | Should -Be $q.Name
            Send-IpcMessage (New-IpcMessageQueue -Name $q.Name -Force) 'via force' -Encoding Text
            Receive-IpcMessage (Connect-IpcMessageQueue -Name $q.Name) -Timeout 5 | Should -Be 'via force'
            Remove-IpcMessageQueue -Name $q.Name
            { Connect-IpcMessageQueue -Name $q.Name -ErrorAction Stop } | Should -Throw -ErrorId 'mq_open,ENOENT,*'
        }

        It 'rejects invalid names: <Name>' -TestCases @(@{ Name = 'noslash' }, @{ Name = '/a/b' }, @{ Name = '/' }, @{ Name = ('/' + 'x' * 300) }) {
            $err = { New-IpcMessageQueue -Name $Name } | Should -Throw -ErrorId 'InvalidQueueName,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.ErrorDetails.Message | Should -Match 'is not a POSIX queue name'
        }
    }

    Context 'messages' {
        BeforeAll { $q = New-TestQueue -Posix -Options @{ MaxMessages = 4; MaxMessageSize = 1024 } }

        It 'receives the highest priority first' {
            foreach ($p in 1, 5, 3) { Send-IpcMessage $q "p$p" -Priority $p -Encoding Text }
            $got = Receive-IpcMessage $q -Count 3 -Timeout 5 -AsEnvelope
            $got.Body | Should -Be @('p5', 'p3', 'p1')
            $got.Priority | Should -Be @(5, 3, 1)
        }

        It 'round-trips objects' {
            Send-IpcMessage $q @{ answer = 42 }
            (Receive-IpcMessage $q -Timeout 5).answer | Should -Be 42
        }

        It 'fails at once when full with -NoWait, and times out without it' {
            1..4 | Send-IpcMessage $q -Encoding Text -NoWait
            { Send-IpcMessage $q 'one too many' -Encoding Text -NoWait } | Should -Throw -ErrorId 'mq_send,EAGAIN,*'
            $err = { Send-IpcMessage $q 'one too many' -Encoding Text -Timeout 0.2 } | Should -Throw -ErrorId 'SendTimeout,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            Receive-IpcMessage $q -Count 4 -Timeout 5 | Should -Be @('1', '2', '3', '4')
            Receive-IpcMessage $q -NoWait | Should -BeNullOrEmpty
        }

        It 'rejects a message above mq_msgsize and names the limit' {
            $err = { Send-IpcMessage $q ('y' * 1025) -Encoding Text -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMessage,*' -PassThru
            $err.ErrorDetails.Message | Should -Match 'at most 1024 bytes'
            $err.ErrorDetails.Message | Should -Match 'msgsize_max'
        }

        It 'rejects -Type on a POSIX queue and -Priority on a System V queue' {
            { Send-IpcMessage $q 'x' -Type 2 } | Should -Throw -ErrorId 'OptionNotForChannel,*'
            $sysv = New-TestQueue
            { Send-IpcMessage $sysv 'x' -Priority 2 } | Should -Throw -ErrorId 'OptionNotForChannel,*'
            $pipe = New-IpcPipe
            try {
                { Send-IpcMessage $pipe 'x' -NoWait } | Should -Throw -ErrorId 'OptionNotForChannel,*'
                Receive-IpcMessage $pipe -NoWait | Should -BeNullOrEmpty
            }
            finally { $pipe.Dispose() }
        }

        It 'talks to a C mq_send/mq_receive program' {
            $c = Build-CPeer 'posix_mq' -Libraries @('-lrt')
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('send', $q.Name, '9', 'Hello from C'))).ExitCode | Should -Be 0
            $m = Receive-IpcMessage $q -Timeout 5 -AsEnvelope
            $m.Body | Should -Be 'Hello from C'
            $m.Priority | Should -Be 9
            Send-IpcMessage $q 'Hello from PowerShell' -Priority 4 -Encoding Text
            (Wait-TestPeer (Start-TestProcess -FileName $c -ArgumentList @('recv', $q.Name))).StdOut.Trim() | Should -Be '4: Hello from PowerShell'
        }

        It 'stops a waiting receive on Ctrl+C' {
            Assert-StopsOnCtrlC -Script 'Receive-IpcMessage -Channel $args[0]' -Argument $q
        }
    }

    Context 'cleanup' {
        It 'leaves no queue behind in /dev/mqueue when it is mounted' -Skip:(-not (Test-Path -LiteralPath '/dev/mqueue' -PathType Container)) {
            $q = New-TestQueue -Posix
            "/dev/mqueue$($q.Name)" | Should -Exist
            $q | Remove-IpcMessageQueue
            "/dev/mqueue$($q.Name)" | Should -Not -Exist
        }
    }
}

Describe 'message queue cleanup' {
    It 'the tests leave nothing in ipcs -q' {
        foreach ($q in $made) {
            try { if ($q.QueueKind -eq 'Posix') { Remove-IpcMessageQueue -Name $q.Name -ErrorAction Stop } else { $q | Remove-IpcMessageQueue -ErrorAction Stop } } catch { }
        }
        $made.Clear()
        $left = @(Get-SysVQueueIds | Where-Object { $_ -notin $queuesBefore })
        $left | Should -HaveCount 0
    }
}

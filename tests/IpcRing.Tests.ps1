# New-, Connect-, Remove-IpcRing and the ring as a channel: bounded buffer semantics, several producers and
# consumers across processes, and a producer killed with SIGKILL while others run.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $shmBefore = @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*').Count
}

AfterAll {
    foreach ($f in (Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*')) {
        Remove-IpcRing -Name ('/' + $f.Name) -ErrorAction SilentlyContinue
    }
    Remove-TestRoot
}

Describe 'New-IpcRing' {
    It 'says NotARing, not InvalidName, for shared memory that is not a ring' {
        $m = New-SharedMemory 64KB -Name (New-TestName)
        try {
            $err = { Connect-IpcRing $m.Name -ErrorAction Stop } | Should -Throw -ErrorId 'NotARing,PSIpc.Commands.ConnectIpcRingCommand' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.ErrorDetails.Message | Should -Match 'not a PSIpc ring'
        }
        finally { $m | Remove-SharedMemory }
    }

    It 'creates an owner-only ring, rounded up to a power of two, that others connect to' {
        $r = New-IpcRing (New-TestName) -Capacity 5 -MessageSize 100
        try {
            $r | Should -BeOfType ([PSIpc.IpcRing])
            $r.Kind | Should -Be 'Ring'
            $r.Capacity.Messages | Should -Be 8
            $r.MessageSize | Should -Be 100
            Get-FileMode $r.SharedMemoryPath | Should -Be '0600'
            Send-IpcMessage $r 'through the ring' -Encoding Text
            $other = Connect-IpcRing $r.Name
            Receive-IpcMessage $other -Timeout 5 | Should -Be 'through the ring'
            $other.Dispose()
        }
        finally { $r | Remove-IpcRing }
        $r.SharedMemoryPath | Should -Not -Exist
    }

    It 'removes a ring by name' {
        $r = New-IpcRing (New-TestName) -Capacity 4 -MessageSize 16
        $r.Dispose()
        Remove-IpcRing -Name $r.Name
        $r.SharedMemoryPath | Should -Not -Exist
    }

    It 'refuses an existing name' {
        $r = New-IpcRing (New-TestName) -Capacity 4 -MessageSize 16
        try {
            $err = { New-IpcRing $r.Name -Capacity 4 -MessageSize 16 } | Should -Throw -ErrorId 'shm_open,EEXIST,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        }
        finally { $r | Remove-IpcRing }
    }

    It 'rejects <What>' -TestCases @(
        @{ What = 'a capacity of 0'; Call = { New-IpcRing (New-TestName) -Capacity 0 -MessageSize 16 }; Id = 'InvalidRingSize,PSIpc.Commands.NewIpcRingCommand' }
        @{ What = 'a message size of 0'; Call = { New-IpcRing (New-TestName) -Capacity 4 -MessageSize 0 }; Id = 'InvalidRingSize,PSIpc.Commands.NewIpcRingCommand' }
        @{ What = 'an invalid name'; Call = { New-IpcRing 'no-slash' -Capacity 4 -MessageSize 16 }; Id = 'InvalidName,PSIpc.Commands.NewIpcRingCommand' }
    ) {
        $err = $Call | Should -Throw -ErrorId $Id -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports a ring that does not exist as ObjectNotFound' {
        $err = { Connect-IpcRing '/psipc-test-missing' -ErrorAction Stop } | Should -Throw -ErrorId 'shm_open,ENOENT,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'a ring as a bounded buffer' {
    BeforeAll { $r = New-IpcRing (New-TestName) -Capacity 4 -MessageSize 256 }
    AfterAll { $r | Remove-IpcRing }

    It 'round-trips objects and keeps order' {
        1..3 | Send-IpcMessage $r
        Receive-IpcMessage $r -Count 3 -Timeout 5 | Should -Be @(1, 2, 3)
    }

    It 'fails at once when full with -NoWait, times out without it, and goes on once drained' {
        1..4 | Send-IpcMessage $r -Encoding Text -NoWait
        $err = { Send-IpcMessage $r 'x' -Encoding Text -NoWait } | Should -Throw -ErrorId 'IpcRing.Send,EAGAIN,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err = { Send-IpcMessage $r 'x' -Encoding Text -Timeout 0.2 } | Should -Throw -ErrorId 'SendTimeout,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        Receive-IpcMessage $r -Count 4 -Timeout 5 | Should -Be @('1', '2', '3', '4')
    }

    It 'returns nothing with -NoWait when empty, and times out a receive' {
        Receive-IpcMessage $r -NoWait | Should -BeNullOrEmpty
        { Receive-IpcMessage $r -Timeout 0.2 } | Should -Throw -ErrorId 'ReceiveTimeout,*'
    }

    It 'refuses a message larger than MessageSize and names the limit' {
        $err = { Send-IpcMessage $r ('z' * 257) -Encoding Text -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMessage,*' -PassThru
        $err.ErrorDetails.Message | Should -Match 'at most 256 bytes'
    }

    It 'stops a waiting receive on Ctrl+C' {
        Assert-StopsOnCtrlC -Script 'Receive-IpcMessage -Channel $args[0]' -Argument $r
    }
}

Describe 'a ring between processes' -Tag 'Peer', 'Slow' {
    It 'carries 100,000 numbered messages from 2 producers to 2 consumers, none lost or duplicated' {
        $r = New-IpcRing (New-TestName) -Capacity 256 -MessageSize 32
        try {
            $consumers = foreach ($c in 1, 2) {
                $out = Join-Path $TestDrive "consumer$c.txt"
                $script = "`$r = Connect-IpcRing '$($r.Name)'; `$got = [System.Collections.Generic.List[string]]::new(); while ((`$m = `$r.Receive([timespan]::FromSeconds(120)).Body) -ne 'stop') { `$got.Add(`$m) }; [System.IO.File]::WriteAllLines('$out', `$got)"
                [pscustomobject]@{ Peer = Start-IpcPeer -Script $script; Out = $out }
            }
            $producers = foreach ($p in 1, 2) {
                Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; 1..50000 | ForEach-Object { `"$p`:`$_`" } | Send-IpcMessage `$r -Encoding Text -Timeout 120"
            }
            foreach ($p in $producers) { (Wait-TestPeer $p -TimeoutSeconds 300).ExitCode | Should -Be 0 }
            'stop', 'stop' | Send-IpcMessage $r -Encoding Text
            foreach ($c in $consumers) { (Wait-TestPeer $c.Peer -TimeoutSeconds 300).ExitCode | Should -Be 0 }
            $all = [System.Collections.Generic.List[string]]::new()
            foreach ($c in $consumers) {
                $lines = [System.IO.File]::ReadAllLines($c.Out)
                $all.AddRange($lines)
                # Within one consumer, each producer's messages keep their order.
                foreach ($p in 1, 2) {
                    $seq = @($lines | Where-Object { $_.StartsWith("$p`:") } | ForEach-Object { [int]$_.Substring(2) })
                    for ($i = 1; $i -lt $seq.Count; $i++) { if ($seq[$i] -le $seq[$i - 1]) { throw "producer $p out of order at $($seq[$i])" } }
                }
            }
            $all.Count | Should -Be 100000
            [System.Collections.Generic.HashSet[string]]::new($all).Count | Should -Be 100000
        }
        finally { $r | Remove-IpcRing }
    }

    It 'delivers every message exactly once, untorn, when a consumer is stopped for 6 s (SIGSTOP, then SIGCONT): run <Run>' -ForEach @(@{ Run = 1 }, @{ Run = 2 }, @{ Run = 3 }) {
        # 1 MiB messages, so a consumer spends much of its time copying a message out of its slot: the stop is likely
        # to catch it holding a slot. Each message is filled with one byte value; a torn one shows two.
        $r = New-IpcRing (New-TestName) -Capacity 4 -MessageSize 1MB
        $marker = Join-Path $TestDrive "stop-$Run.flowing"
        try {
            $consumers = foreach ($c in 1, 2) {
                $out = Join-Path $TestDrive "stop-$Run-consumer$c.txt"
                $script = @"
`$r = Connect-IpcRing '$($r.Name)'
`$got = [System.Collections.Generic.List[string]]::new()
while (`$true) {
    `$b = `$r.Receive([timespan]::FromSeconds(40), 'Bytes').Body
    if (`$b.Length -eq 1) { break }
    `$id = '{0}:{1}' -f `$b[0], (`$b[1] + 256 * `$b[2])
    `$fill = `$b[3]
    `$got.Add(`$(if (`$b[4] -eq `$fill -and `$b[`$b.Length / 2] -eq `$fill -and `$b[-1] -eq `$fill) { `$id } else { "torn `$id" }))
}
Set-Content -LiteralPath '$out' -Value `$got
"@
                [pscustomobject]@{ Peer = Start-IpcPeer -Script $script; Out = $out }
            }
            $producers = foreach ($p in 1, 2) {
                Start-IpcPeer -Script @"
`$r = Connect-IpcRing '$($r.Name)'
foreach (`$i in 1..2000) {
    `$b = [byte[]]::new(1MB)
    [Array]::Fill(`$b, [byte]((`$i * 7 + $p * 31) % 251))
    `$b[0] = $p; `$b[1] = `$i % 256; `$b[2] = [Math]::Floor(`$i / 256)
    `$null = `$r.Send(`$b, 'Bytes', 2, [timespan]::FromSeconds(40))
    if (`$i -eq 200) { Set-Content -LiteralPath '$marker-$p' -Value x }
}
"@
            }
            Wait-TestCondition { (Test-Path -LiteralPath "$marker-1") -and (Test-Path -LiteralPath "$marker-2") } -What 'both producers to be sending'
            # What Ctrl+Z does to a consumer in the middle of the stream: the others must go on, and nothing may be lost or torn.
            Send-Signal $consumers[0].Peer.Id STOP
            Start-Sleep -Seconds 6
            Send-Signal $consumers[0].Peer.Id CONT
            foreach ($p in $producers) { (Wait-TestPeer $p -TimeoutSeconds 50).ExitCode | Should -Be 0 }
            foreach ($c in 1, 2) { $null = $r.Send([byte[]]::new(1), 'Bytes', 2, [timespan]::FromSeconds(20)) }
            foreach ($c in $consumers) { (Wait-TestPeer $c.Peer -TimeoutSeconds 30).ExitCode | Should -Be 0 }
            $all = @($consumers | ForEach-Object { Get-Content -LiteralPath $_.Out })
            @($all | Where-Object { $_ -notmatch '^[12]:\d+$' }) | Should -HaveCount 0 -Because 'no message may be torn'
            $all | Should -HaveCount 4000
            @($all | Sort-Object -Unique) | Should -HaveCount 4000 -Because 'every message arrives exactly once'
        }
        finally {
            if ($consumers -and -not $consumers[0].Peer.Process.HasExited) { Send-Signal $consumers[0].Peer.Id CONT -ErrorAction SilentlyContinue }
            $r | Remove-IpcRing
        }
    }

    It 'is not wedged when a producer is killed with SIGKILL while others run' {
        $r = New-IpcRing (New-TestName) -Capacity 8 -MessageSize 32
        try {
            $out = Join-Path $TestDrive 'survivor.txt'
            $consumer = Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; `$n = 0; `$last = 0; while ((`$m = `$r.Receive([timespan]::FromSeconds(60)).Body) -ne 'done') { if (`$m.StartsWith('B:')) { `$v = [int]`$m.Substring(2); if (`$v -ne `$last + 1) { throw `"B out of order: `$v after `$last`" }; `$last = `$v; `$n++ } }; [System.IO.File]::WriteAllText('$out', `"`$n`")"
            $victim = Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; while (`$true) { `$null = `$r.Send('A', [PSIpc.IpcEncoding]::Text) }"
            Start-Sleep -Milliseconds 1500
            $victim.Process.HasExited | Should -BeFalse
            (Wait-TestPeer (Start-TestProcess -FileName 'kill' -ArgumentList @('-KILL', "$($victim.Id)"))).ExitCode | Should -Be 0
            $null = $victim.Process.WaitForExit(10000)
            $survivor = Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; 1..2000 | ForEach-Object { `"B:`$_`" } | Send-IpcMessage `$r -Encoding Text -Timeout 60; Send-IpcMessage `$r 'done' -Encoding Text -Timeout 60"
            (Wait-TestPeer $survivor -TimeoutSeconds 120).ExitCode | Should -Be 0
            $result = Wait-TestPeer $consumer -TimeoutSeconds 120
            $result.StdErr | Should -BeNullOrEmpty
            (Get-Content -LiteralPath $out -Raw) | Should -Be '2000'
        }
        finally { $r | Remove-IpcRing }
    }
}

Describe 'a ring whose consumer dies' -Tag 'Peer', 'Slow' {
    It 'is not wedged when a consumer is killed with SIGKILL while it holds a slot, and loses only that message' {
        # 32 MiB messages: the victim spends nearly all its time copying one out of its slot. It is stopped until the
        # ring's reader claim table (format version 3: 64 entries of 64 bytes from offset 4544, each the position + 1
        # and the process id) shows it holding a slot, and only then killed, so the test always covers that case.
        $r = New-IpcRing (New-TestName) -Capacity 2 -MessageSize 32MB
        $victim = $null
        try {
            $producer = Start-IpcPeer -Script @"
`$r = Connect-IpcRing '$($r.Name)'
`$b = [byte[]]::new(32MB)
foreach (`$i in 1..40) { [Array]::Fill(`$b, [byte](`$i % 251)); `$b[0] = `$i; `$null = `$r.Send(`$b, 'Bytes', 2, [timespan]::FromSeconds(30)) }
"@
            $victim = Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; while (`$true) { `$null = `$r.Receive([timespan]::FromSeconds(60), 'Bytes') }"
            $holds = {
                $f = [System.IO.File]::OpenRead("/dev/shm$($r.Name)")
                try {
                    $table = [byte[]]::new(64 * 64)
                    $null = $f.Seek(4544, 'Begin')
                    $f.ReadExactly($table)
                    (0..63 | Where-Object { [BitConverter]::ToInt64($table, $_ * 64 + 8) -eq $victim.Id }).Count -gt 0
                }
                finally { $f.Dispose() }
            }
            $held = $false
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            while (-not $held -and $watch.Elapsed.TotalSeconds -lt 60) {
                Start-Sleep -Milliseconds 30
                Send-Signal $victim.Id STOP
                if (& $holds) { $held = $true } else { Send-Signal $victim.Id CONT }
            }
            $held | Should -BeTrue -Because 'the victim must be killed while it holds a slot'
            Send-Signal $victim.Id KILL
            $null = $victim.Process.WaitForExit(10000)
            $out = Join-Path $TestDrive 'after-kill.txt'
            $survivor = Start-IpcPeer -Script @"
`$r = Connect-IpcRing '$($r.Name)'
`$got = [System.Collections.Generic.List[string]]::new()
do {
    `$b = `$r.Receive([timespan]::FromSeconds(30), 'Bytes').Body
    `$fill = [byte](`$b[0] % 251)
    `$got.Add(`$(if (`$b[1] -eq `$fill -and `$b[`$b.Length / 2] -eq `$fill -and `$b[-1] -eq `$fill) { "`$(`$b[0])" } else { "torn `$(`$b[0])" }))
} until (`$b[0] -eq 40)
Set-Content -LiteralPath '$out' -Value `$got
"@
            (Wait-TestPeer $producer -TimeoutSeconds 60).ExitCode | Should -Be 0 -Because 'the producer takes the dead consumer''s slot over'
            (Wait-TestPeer $survivor -TimeoutSeconds 60).ExitCode | Should -Be 0
            $got = @(Get-Content -LiteralPath $out)
            @($got | Where-Object { $_ -notmatch '^\d+$' }) | Should -HaveCount 0 -Because 'no message may be torn'
            $first = [int]$got[0]
            $first | Should -BeGreaterThan 1 -Because 'the victim took at least the message it died holding'
            ($got -join ',') | Should -Be (($first..40) -join ',') -Because 'every message after the one the victim held arrives, in order'
        }
        finally {
            if ($victim -and -not $victim.Process.HasExited) { $victim.Process.Kill() }
            $r | Remove-IpcRing
        }
    }
}

Describe 'a ring whose sleeping consumer is killed' -Tag 'Peer' {
    It 'counts the dead sleeper out, so producers stop calling futex(2) to wake no one' {
        # Format version 3: the consumers' eventcount is two ints at offset 192 (ticket, sleepers), and their table
        # of sleepers' process ids 16 ints at offset 320.
        $r = New-IpcRing (New-TestName) -Capacity 128 -MessageSize 16
        $header = {
            $b = [System.IO.File]::ReadAllBytes("/dev/shm$($r.Name)")
            [pscustomobject]@{ Sleepers = [BitConverter]::ToInt32($b, 196); Table = @(0..15 | ForEach-Object { [BitConverter]::ToInt32($b, 320 + 4 * $_) }) }
        }
        try {
            $victim = Start-IpcPeer -Script "`$r = Connect-IpcRing '$($r.Name)'; `$null = `$r.Receive([timespan]::FromSeconds(60))"
            Wait-TestCondition { (& $header).Sleepers -eq 1 } -What 'the consumer to sleep on the empty ring'
            (& $header).Table | Should -Contain $victim.Id
            Send-Signal $victim.Id KILL
            $null = $victim.Process.WaitForExit(10000)
            (& $header).Sleepers | Should -Be 1 -Because 'a killed sleeper cannot count itself out'
            1..100 | Send-IpcMessage $r -Encoding Text -NoWait
            $after = & $header
            $after.Sleepers | Should -Be 0
            $after.Table | Should -Not -Contain $victim.Id
            Receive-IpcMessage $r -Count 100 -Timeout 5 -Encoding Text | Select-Object -Last 1 | Should -Be '100'
        }
        finally { $r | Remove-IpcRing }
    }
}

Describe 'ring cleanup' {
    It 'leaves nothing in /dev/shm' {
        @(Get-ChildItem -LiteralPath '/dev/shm' -Filter 'psipc-test-*').Count | Should -Be $shmBefore
    }
}

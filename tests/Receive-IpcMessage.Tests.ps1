# Receive-IpcMessage: counts, continuous streams, envelopes, timeouts, Ctrl+C, and end of stream.
BeforeAll {
    . $PSScriptRoot/common.ps1
}

AfterAll {
    Remove-TestRoot
}

Describe 'Receive-IpcMessage' {
    BeforeEach {
        $pipe = New-IpcPipe
    }
    AfterEach {
        $pipe.Dispose()
    }

    Context 'counts and envelopes' {
        It 'receives one message unless told otherwise' {
            1..3 | Send-IpcMessage $pipe
            Receive-IpcMessage $pipe | Should -Be 1
            Receive-IpcMessage $pipe -Count 2 | Should -Be @(2, 3)
        }

        It 'takes the channel from the pipeline' {
            Send-IpcMessage $pipe 'piped'
            $pipe | Receive-IpcMessage -Timeout 5 | Should -Be 'piped'
        }

        It 'emits envelopes with -AsEnvelope' {
            Send-IpcMessage $pipe 'body' -Encoding Text
            $m = Receive-IpcMessage $pipe -AsEnvelope -Timeout 5
            $m | Should -BeOfType ([PSIpc.IpcMessage])
            $m.Body | Should -Be 'body'
            $m.Length | Should -Be 4
            $m.Encoding | Should -Be 'Text'
            $m.Timestamp | Should -BeOfType ([datetimeoffset])
            $m.Channel | Should -Be $pipe
        }

        It 'keeps a sent array as one message' {
            Send-IpcMessage $pipe -InputObject @(1, 2, 3)
            $got = Receive-IpcMessage $pipe -Timeout 5 -AsEnvelope
            $got.Body | Should -HaveCount 3
        }

        It 'returns Raw chunks as bytes or text' {
            $raw = New-IpcPipe -Framing Raw
            try {
                Send-IpcMessage $raw 'abc'
                Receive-IpcMessage $raw -Timeout 5 | Should -BeExactly 'abc'
                Send-IpcMessage $raw 'xyz'
                $bytes = Receive-IpcMessage $raw -Timeout 5 -Encoding Bytes
                $bytes | Should -Be @(120, 121, 122)
            }
            finally { $raw.Dispose() }
        }
    }

    Context 'end of stream' {
        It 'ends -Continuous quietly when the writer closes' {
            $reader = New-IpcPipe -Direction Read
            try {
                $peer = Start-IpcPeer -Script "`$c = Connect-IpcPipe -Handle $($reader.ClientHandle); 'a', 'b', 'c' | Send-IpcMessage `$c"
                $reader.ReleaseClientHandle()
                Receive-IpcMessage $reader -Continuous -Timeout 30 | Should -Be @('a', 'b', 'c')
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $reader.Dispose() }
        }

        It 'returns fewer than -Count when the stream ends first' {
            $reader = New-IpcPipe -Direction Read
            try {
                $peer = Start-IpcPeer -Script "`$c = Connect-IpcPipe -Handle $($reader.ClientHandle); 'only' | Send-IpcMessage `$c"
                $reader.ReleaseClientHandle()
                Receive-IpcMessage $reader -Count 5 -Timeout 30 | Should -Be 'only'
                $null = Wait-TestPeer $peer
            }
            finally { $reader.Dispose() }
        }
    }

    Context 'waiting' {
        It 'times out with OperationTimeout and the channel as target' {
            $elapsed = Measure-Command { $err = { Receive-IpcMessage $pipe -Timeout 0.2 } | Should -Throw -ErrorId 'ReceiveTimeout,PSIpc.Commands.ReceiveIpcMessageCommand' -PassThru }
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err.TargetObject | Should -Be $pipe
            $err.ErrorDetails.Message | Should -Match 'raise -Timeout'
            $elapsed.TotalSeconds | Should -BeLessThan 20
        }

        It 'loses nothing when a timeout falls between messages' {
            { Receive-IpcMessage $pipe -Timeout 0.05 } | Should -Throw -ErrorId 'ReceiveTimeout,*'
            Send-IpcMessage $pipe 'late'
            Receive-IpcMessage $pipe -Timeout 5 | Should -Be 'late'
        }

        It 'accepts -Timeout as a TimeSpan or a TimeSpan string' -TestCases @(@{ T = [timespan]::FromMilliseconds(100) }, @{ T = '00:00:00.1' }) {
            { Receive-IpcMessage $pipe -Timeout $T } | Should -Throw -ErrorId 'ReceiveTimeout,*'
        }

        It 'stops a blocking receive when the pipeline is stopped (Ctrl+C), in this process' {
            Assert-StopsOnCtrlC -Script 'Receive-IpcMessage -Channel $args[0]' -Argument $pipe
            # The channel survives the stop and still works.
            Send-IpcMessage $pipe 'after stop'
            Receive-IpcMessage $pipe -Timeout 5 | Should -Be 'after stop'
        }

        It 'stops a blocking receive in another process on SIGINT (Ctrl+C)' {
            $mark = Join-Path $TestDrive 'ready'
            # env --default-signal: a shell that started this run in the background made SIGINT ignored, and a child
            # inherits that (the kernel keeps SIG_IGN across exec); the peer gets SIGINT's default back, as in a terminal.
            $pwsh = Get-PwshCommand
            $script = "Import-Module '$ModuleManifest' -ErrorAction Stop; `$p = New-IpcPipe; [System.IO.File]::WriteAllText('$mark', 'x'); Receive-IpcMessage `$p; 'not reached'"
            $peer = Start-TestProcess -FileName 'env' -ArgumentList (@('--default-signal=INT', $pwsh.FileName) + @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $script))
            Wait-TestCondition { Test-Path -LiteralPath $mark } -What 'the peer to be ready'
            Start-Sleep -Milliseconds 300
            $peer.Process.HasExited | Should -BeFalse
            # What the peer does with SIGINT (bit 2: blocked, ignored, caught), for the message if it does not stop.
            $signals = (Get-Content -LiteralPath "/proc/$($peer.Id)/status" | Where-Object { $_ -match '^Sig(Blk|Ign|Cgt)' }) -join ', '
            $kill = Start-TestProcess -FileName 'kill' -ArgumentList @('-INT', $peer.Id)
            $null = Wait-TestPeer $kill
            $stopped = $peer.Process.WaitForExit(20000)
            $stopped | Should -BeTrue -Because "SIGINT should stop the peer ($signals)"
            $result = Wait-TestPeer $peer -TimeoutSeconds 5
            $result.StdOut | Should -Not -Match 'not reached'
            $result.ExitCode | Should -Not -Be 0
        }
    }

    Context 'bad input' {
        It 'refuses to receive on a write end' {
            $writeEnd = New-IpcPipe -Direction Write
            try {
                $err = { Receive-IpcMessage $writeEnd } | Should -Throw -ErrorId 'InvalidOperation,*' -PassThru
                $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
            }
            finally { $writeEnd.Dispose() }
        }

        It 'reports a closed channel' {
            $pipe.Dispose()
            { Receive-IpcMessage $pipe } | Should -Throw -ErrorId 'ChannelClosed,*'
        }

        It 'rejects a -Count below 1' {
            { Receive-IpcMessage $pipe -Count 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'rejects a timeout that is not a time' {
            { Receive-IpcMessage $pipe -Timeout 'soon' } | Should -Throw -ExpectedMessage '*not a timeout*'
        }
    }
}

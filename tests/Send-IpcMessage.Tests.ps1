# Send-IpcMessage: encodings, framing rules, -PassThru, -Timeout, and per-message versus channel errors.
BeforeAll {
    . $PSScriptRoot/common.ps1
}

AfterAll {
    Remove-TestRoot
}

Describe 'Send-IpcMessage' {
    BeforeEach {
        $pipe = New-IpcPipe
    }
    AfterEach {
        $pipe.Dispose()
    }

    Context 'encodings' {
        It 'round-trips objects with CliXml by default' {
            $sent = [pscustomobject]@{ Id = 7; When = [datetime]'2026-01-02T03:04:05'; Table = @{ k = 'v' }; Bytes = [byte[]](1, 2) }
            Send-IpcMessage $pipe $sent
            $got = Receive-IpcMessage $pipe -Timeout 5
            $got.Id | Should -Be 7
            $got.When | Should -Be ([datetime]'2026-01-02T03:04:05')
            $got.Table.k | Should -Be 'v'
            $got.Bytes | Should -Be @(1, 2)
        }

        It 'honours -Depth for nested .NET objects' {
            $file = [System.IO.FileInfo]'/etc/passwd'
            Send-IpcMessage $pipe $file -Depth 1
            (Receive-IpcMessage $pipe -Timeout 5).Directory | Should -BeOfType ([string])
            Send-IpcMessage $pipe $file -Depth 3
            (Receive-IpcMessage $pipe -Timeout 5).Directory.Parent.FullName | Should -Be '/'
        }

        It 'rejects -Depth 0' {
            { Send-IpcMessage $pipe 1 -Depth 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'sends compact JSON with -Encoding Json, read back as objects' {
            Send-IpcMessage $pipe ([ordered]@{ name = 'x'; n = 3; list = 1, 2; ok = $true; none = $null }) -Encoding Json
            $m = Receive-IpcMessage $pipe -Timeout 5 -AsEnvelope
            $m.Encoding | Should -Be 'Json'
            $m.Body.name | Should -Be 'x'
            $m.Body.n | Should -Be 3
            $m.Body.list | Should -Be @(1, 2)
            $m.Body.ok | Should -BeTrue
            Send-IpcMessage $pipe ([ordered]@{ name = 'x'; n = 3 }) -Encoding Json
            Receive-IpcMessage $pipe -Timeout 5 -Encoding Text | Should -BeExactly '{"name":"x","n":3}'
        }

        It 'sends UTF-8 text with -Encoding Text' {
            Send-IpcMessage $pipe 'grüße ✓' -Encoding Text
            Send-IpcMessage $pipe 42 -Encoding Text
            $m = Receive-IpcMessage $pipe -Timeout 5 -AsEnvelope
            $m.Body | Should -BeExactly 'grüße ✓'
            $m.Length | Should -Be ([System.Text.Encoding]::UTF8.GetByteCount('grüße ✓'))
            Receive-IpcMessage $pipe -Timeout 5 | Should -BeExactly '42'
        }

        It 'passes byte[] as is with -Encoding Bytes' {
            Send-IpcMessage $pipe -InputObject ([byte[]](0, 1, 255)) -Encoding Bytes
            $got = Receive-IpcMessage $pipe -Timeout 5
            $got.GetType() | Should -Be ([byte[]])
            $got | Should -Be @(0, 1, 255)
        }

        It 'rejects a body -Encoding Bytes cannot carry, and goes on with the next message' {
            'not bytes', ([byte[]](9)) | Send-IpcMessage $pipe -Encoding Bytes -ErrorAction SilentlyContinue -ErrorVariable errs
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidMessage,PSIpc.Commands.SendIpcMessageCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errs[0].TargetObject | Should -Be 'not bytes'
            Receive-IpcMessage $pipe -Timeout 5 | Should -Be @(9)
        }

        It 'emits envelopes with -PassThru' {
            $env = 'hello' | Send-IpcMessage $pipe -Encoding Text -PassThru
            $env | Should -BeOfType ([PSIpc.IpcMessage])
            $env.Body | Should -Be 'hello'
            $env.Length | Should -Be 5
            $env.Encoding | Should -Be 'Text'
            $env.Channel | Should -Be $pipe
        }

        It 'sends empty and null bodies as messages' {
            Send-IpcMessage $pipe '' -Encoding Text
            Send-IpcMessage $pipe $null
            Receive-IpcMessage $pipe -Timeout 5 | Should -BeExactly ''
            (Receive-IpcMessage $pipe -Timeout 5 -AsEnvelope).Body | Should -BeNullOrEmpty
        }
    }

    Context 'framing rules' {
        It 'refuses CliXml on a Line channel with advice' {
            $line = New-IpcPipe -Framing Line
            try {
                $err = { Send-IpcMessage $line @{ a = 1 } -Encoding CliXml -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMessage,*' -PassThru
                $err.ErrorDetails.Message | Should -Match 'Line framing'
            }
            finally { $line.Dispose() }
        }

        It 'sends Json lines on a Line channel' {
            $line = New-IpcPipe -Framing Line
            try {
                @{ a = 1 }, @{ a = 2 } | Send-IpcMessage $line -Encoding Json
                (Receive-IpcMessage $line -Count 2 -Timeout 5 -Encoding Json).a | Should -Be @(1, 2)
            }
            finally { $line.Dispose() }
        }
    }

    Context 'batching' {
        It 'holds messages until -BatchSize of them are there, then writes them; the rest go when the pipeline ends' {
            $seen = [System.Collections.Generic.List[string]]::new()
            1..5 | ForEach-Object {
                # Each check runs before Send-IpcMessage takes the item emitted after it.
                if ($_ -eq 4) { $seen.Add("before 4: $(@(Receive-IpcMessage $pipe -NoWait -Encoding Text).Count)") }
                if ($_ -eq 5) { $seen.Add("before 5: $(@(Receive-IpcMessage $pipe -NoWait -Encoding Text -Count 10) -join ',')") }
                "$_"
            } | Send-IpcMessage $pipe -Encoding Text -BatchSize 4
            $seen | Should -Be @('before 4: 0', 'before 5: 1,2,3,4')
            Receive-IpcMessage $pipe -NoWait -Encoding Text -Count 10 | Should -Be '5'
        }

        It 'keeps every message whole and in order for a reader in another process' {
            $writer = New-IpcPipe -Direction Write
            try {
                $peer = Start-IpcPeer -Script "`$c = Connect-IpcPipe -Handle $($writer.ClientHandle); `$n = 0; Receive-IpcMessage `$c -Continuous -Timeout 60 | ForEach-Object { `$n++; if (`$_ -ne `"m`$n`") { throw `"out of order: `$_ at `$n`" } }; `"received `$n`""
                $writer.ReleaseClientHandle()
                1..5000 | ForEach-Object { "m$_" } | Send-IpcMessage $writer -Encoding Text -BatchSize 64 -Timeout 60
                $writer.MessagesSent | Should -Be 5000
                $writer.Dispose()
                (Wait-TestPeer $peer).StdOut.Trim() | Should -Be 'received 5000'
            }
            finally {
                $writer.Dispose()
            }
        }

        It 'emits an envelope per message with -PassThru' {
            $sent = 'a', 'b', 'c' | Send-IpcMessage $pipe -Encoding Text -BatchSize 2 -PassThru
            $sent.Body | Should -Be @('a', 'b', 'c')
            $sent[0] | Should -BeOfType ([PSIpc.IpcMessage])
            Receive-IpcMessage $pipe -Count 3 -Timeout 5 | Should -Be @('a', 'b', 'c')
        }

        It 'refuses -BatchSize on a queue, whose messages are each a kernel message' {
            $q = New-IpcMessageQueue -Private
            try {
                { 'x' | Send-IpcMessage $q -BatchSize 8 -ErrorAction Stop } | Should -Throw -ErrorId 'BatchSizeNotSupported,PSIpc.Commands.SendIpcMessageCommand'
            }
            finally {
                $q | Remove-IpcMessageQueue
            }
        }
    }

    Context 'channel errors' {
        It 'times out with OperationTimeout when the pipe is full and nobody reads' {
            $small = New-IpcPipe -Direction Write
            try {
                $chunk = [byte[]]::new(16KB)
                $err = { for ($i = 0; $i -lt 1000; $i++) { Send-IpcMessage $small -InputObject $chunk -Encoding Bytes -Timeout 0.2 -ErrorAction Stop } } | Should -Throw -ErrorId 'SendTimeout,PSIpc.Commands.SendIpcMessageCommand' -PassThru
                $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
                $err.TargetObject | Should -Be $small
            }
            finally { $small.Dispose() }
        }

        It 'reports a closed channel as a terminating error' {
            $pipe.Dispose()
            $err = { 1, 2, 3 | Send-IpcMessage $pipe } | Should -Throw -ErrorId 'ChannelClosed,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }

        It 'refuses to send on a read end' {
            $readEnd = New-IpcPipe -Direction Read
            try {
                { Send-IpcMessage $readEnd 'x' } | Should -Throw -ErrorId 'InvalidOperation,*'
            }
            finally { $readEnd.Dispose() }
        }

        It 'refuses a message above MaxMessageSize' {
            $pipe.MaxMessageSize = 10
            { Send-IpcMessage $pipe ('y' * 11) -Encoding Text -ErrorAction Stop } | Should -Throw -ExpectedMessage '*more than this channel*'
        }
    }
}

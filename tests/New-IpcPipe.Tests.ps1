# New-IpcPipe and Connect-IpcPipe: anonymous pipes in one session and handed to child processes (PowerShell, C, bash).
BeforeAll {
    . $PSScriptRoot/common.ps1
}

AfterAll {
    Remove-TestRoot
}

Describe 'New-IpcPipe' {
    Context 'in one session' {
        It 'returns a pipe channel with both ends' {
            $pipe = New-IpcPipe
            try {
                $pipe | Should -BeOfType ([PSIpc.IpcPipe])
                $pipe.Kind | Should -Be 'Pipe'
                $pipe.Direction | Should -Be 'Both'
                $pipe.Framing | Should -Be 'Message'
                $pipe.Name | Should -Match '^pipe:\[\d+\]$'
                $pipe.ClientHandle | Should -BeNullOrEmpty
                $pipe.IsOpen | Should -BeTrue
            }
            finally { $pipe.Dispose() }
        }

        It 'carries 1000 pipeline objects in order' {
            $pipe = New-IpcPipe
            try {
                1..1000 | Send-IpcMessage $pipe
                $got = Receive-IpcMessage $pipe -Count 1000 -Timeout 5
                $got | Should -HaveCount 1000
                $got | Should -Be (1..1000)
                $pipe.MessagesSent | Should -Be 1000
                $pipe.MessagesReceived | Should -Be 1000
            }
            finally { $pipe.Dispose() }
        }

        It 'is usable from .NET: Send and Receive methods' {
            $pipe = New-IpcPipe
            try {
                $null = $pipe.Send('from a method')
                $pipe.Receive([timespan]::FromSeconds(5)).Body | Should -Be 'from a method'
            }
            finally { $pipe.Dispose() }
        }

        It 'closes with Close-IpcChannel, and a second close is harmless' {
            $pipe = New-IpcPipe
            $pipe | Close-IpcChannel
            $pipe.IsOpen | Should -BeFalse
            { $pipe | Close-IpcChannel } | Should -Not -Throw
        }

        It 'leaves no descriptors open after its channels are closed' {
            $before = Get-OpenDescriptorCount
            for ($i = 0; $i -lt 20; $i++) {
                $p = New-IpcPipe -Direction Write
                Send-IpcMessage $p $i
                $p | Close-IpcChannel
            }
            Get-OpenDescriptorCount | Should -Be $before
        }

        It 'does nothing with -WhatIf' {
            New-IpcPipe -WhatIf | Should -BeNullOrEmpty
        }
    }

    Context 'with a PowerShell child' -Tag 'Peer' {
        It 'carries 1000 objects to a child in order, and the child sees end of stream' {
            $pipe = New-IpcPipe -Direction Write
            try {
                $pipe.ClientHandle | Should -Match '^\d+$'
                $peer = Start-IpcPeer -Script "`$c = Connect-IpcPipe -Handle $($pipe.ClientHandle); `$n = 0; Receive-IpcMessage `$c -Continuous | ForEach-Object { `$n++; if (`$_ -ne `$n) { throw `"out of order: `$_ at `$n`" } }; `"received `$n`""
                $pipe.ReleaseClientHandle()
                $pipe.ClientHandle | Should -BeNullOrEmpty
                1..1000 | Send-IpcMessage $pipe -Timeout 30
            }
            finally { $pipe.Dispose() }
            $result = Wait-TestPeer $peer
            $result.StdErr | Should -BeNullOrEmpty
            $result.StdOut.Trim() | Should -Be 'received 1000'
            $result.ExitCode | Should -Be 0
        }

        It 'receives objects with nested properties from a child' {
            $pipe = New-IpcPipe -Direction Read
            try {
                $peer = Start-IpcPeer -Script @"
`$c = Connect-IpcPipe -Handle $($pipe.ClientHandle)
[pscustomobject]@{ Name = 'job'; Started = [datetime]'2026-11-23T01:02:03'; Inner = [pscustomobject]@{ Deep = @{ Value = 42; Tags = 'a', 'b' } }; Numbers = 1, 2, 3 } | Send-IpcMessage `$c -Depth 5
Close-IpcChannel `$c
"@
                $pipe.ReleaseClientHandle()
                $got = Receive-IpcMessage $pipe -Timeout 30
                $got.Name | Should -Be 'job'
                $got.Started | Should -BeOfType ([datetime])
                $got.Started.Hour | Should -Be 1
                $got.Inner.Deep.Value | Should -Be 42
                $got.Inner.Deep.Tags | Should -Be @('a', 'b')
                $got.Numbers | Should -Be @(1, 2, 3)
                $got.PSObject.TypeNames | Should -Contain 'Deserialized.System.Management.Automation.PSCustomObject'
                Receive-IpcMessage $pipe -Timeout 30 | Should -BeNullOrEmpty
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $pipe.Dispose() }
        }

        It 'carries a 1 MiB message whole (short reads and writes completed)' {
            $pipe = New-IpcPipe -Direction Read
            try {
                $peer = Start-IpcPeer -Script "`$c = Connect-IpcPipe -Handle $($pipe.ClientHandle); Send-IpcMessage `$c ('x' * 1MB) -Encoding Text; Send-IpcMessage `$c 'after'"
                $pipe.ReleaseClientHandle()
                $big = Receive-IpcMessage $pipe -Timeout 30
                $big.Length | Should -Be 1MB
                $big.Trim('x') | Should -BeNullOrEmpty
                Receive-IpcMessage $pipe -Timeout 30 | Should -Be 'after'
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $pipe.Dispose() }
        }
    }

    Context 'with C and shell children' -Tag 'Peer' {
        It 'runs the classic example: the parent writes, a C child reads and prints, the parent waits' {
            $child = Build-CPeer 'pipe_child'
            $pipe = New-IpcPipe -Direction Write -Framing Raw
            try {
                $peer = Start-TestProcess -FileName $child -ArgumentList @($pipe.ClientHandle)
                $pipe.ReleaseClientHandle()
                Send-IpcMessage $pipe 'Hello, child!'
            }
            finally { $pipe.Dispose() }
            $result = Wait-TestPeer $peer
            $result.ExitCode | Should -Be 0
            $result.StdOut | Should -Be 'Child received: Hello, child!'
        }

        It 'hands lines to bash through the inherited descriptor' {
            $pipe = New-IpcPipe -Direction Write -Framing Line
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'while read -r line <&"$0"; do echo "bash got $line"; done', $pipe.ClientHandle)
                $pipe.ReleaseClientHandle()
                'one', 'two' | Send-IpcMessage $pipe
            }
            finally { $pipe.Dispose() }
            (Wait-TestPeer $peer).StdOut | Should -Be "bash got one`nbash got two`n"
        }

        It 'reads lines bash writes to the inherited descriptor' {
            $pipe = New-IpcPipe -Direction Read -Framing Line
            try {
                $peer = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'for i in 1 2 3; do echo "line $i" >&"$0"; done', $pipe.ClientHandle)
                $pipe.ReleaseClientHandle()
                Receive-IpcMessage $pipe -Continuous -Timeout 30 | Should -Be @('line 1', 'line 2', 'line 3')
                (Wait-TestPeer $peer).ExitCode | Should -Be 0
            }
            finally { $pipe.Dispose() }
        }
    }
}

Describe 'Connect-IpcPipe' {
    It 'rejects a handle that is not a number' {
        $err = { Connect-IpcPipe -Handle 'seven' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPipeHandle,PSIpc.Commands.ConnectIpcPipeCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'seven'
    }

    It 'rejects a descriptor that is not a pipe and leaves it open' {
        $file = Join-Path $TestDrive 'not-a-pipe.txt'
        Set-Content -LiteralPath $file -Value 'still readable' -NoNewline
        $stream = [System.IO.File]::OpenRead($file)
        try {
            $fd = $stream.SafeFileHandle.DangerousGetHandle().ToInt32()
            $err = { Connect-IpcPipe -Handle $fd -ErrorAction Stop } | Should -Throw -ErrorId 'NotAPipe,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            [System.IO.StreamReader]::new($stream).ReadToEnd() | Should -Be 'still readable'
        }
        finally { $stream.Dispose() }
    }

    It 'reports a descriptor that is not open' {
        $err = { Connect-IpcPipe -Handle 1000000 -ErrorAction Stop } | Should -Throw -ErrorId 'fstat,EBADF,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

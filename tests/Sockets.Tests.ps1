# New-IpcSocketServer, Connect-IpcSocket, Wait-IpcConnection, Stop-IpcSocketServer and the server as a channel:
# Unix (path and abstract) and TCP, many concurrent clients, peer credentials, and socat, nc, C and Python peers.
BeforeAll {
    . $PSScriptRoot/common.ps1
    function Get-FreePath { Join-Path $TestDrive ('s' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.sock') }
}

AfterAll {
    Remove-TestRoot
}

Describe 'New-IpcSocketServer and Connect-IpcSocket' {
    It 'serves a <Kind> client, who gets its replies from the envelope''s Sender' -TestCases @(
        @{ Kind = 'Unix'; Make = { $p = Get-FreePath; @((New-IpcSocketServer $p), { Connect-IpcSocket $p }.GetNewClosure()) } }
        @{ Kind = 'UnixAbstract'; Make = { $n = 'psipc-test-' + [guid]::NewGuid().ToString('N'); @((New-IpcSocketServer -Abstract $n), { Connect-IpcSocket -Abstract $n }.GetNewClosure()) } }
        @{ Kind = 'Tcp'; Make = { $s = New-IpcSocketServer -Port 0; @($s, { Connect-IpcSocket -ComputerName localhost -Port $s.Port }.GetNewClosure()) } }
    ) {
        $server, $connect = & $Make
        try {
            $server.Protocol | Should -Be $Kind
            $client = & $connect
            $client.Kind | Should -Be 'Socket'
            'ping', @{ nested = @{ v = 1 } } | Send-IpcMessage $client
            $m = Receive-IpcMessage $server -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'ping'
            $m.Sender | Should -BeOfType ([PSIpc.IpcSocket])
            Send-IpcMessage $m.Sender 'pong'
            Receive-IpcMessage $client -Timeout 10 | Should -Be 'pong'
            (Receive-IpcMessage $server -Timeout 10).nested.v | Should -Be 1
            $server.ClientCount | Should -Be 1
            $client.Dispose()
        }
        finally { $server | Stop-IpcSocketServer }
        $server.IsOpen | Should -BeFalse
    }

    It 'creates the socket file owner-only (or with -Mode) and removes it on Stop' {
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        Get-FileMode $p | Should -Be '0600'
        $s | Stop-IpcSocketServer
        $p | Should -Not -Exist
        $s = New-IpcSocketServer $p -Mode 0660
        try { Get-FileMode $p | Should -Be '0660' } finally { $s | Stop-IpcSocketServer }
    }

    It 'shows the peer''s credentials on both ends of a Unix connection' {
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        try {
            $c = Connect-IpcSocket $p
            $accepted = Wait-IpcConnection $s -Timeout 10
            $second = Connect-IpcSocket $p
            Send-IpcMessage $second 'who am i'
            $m = Receive-IpcMessage $s -AsEnvelope -Timeout 10
            $m.SenderProcessId | Should -Be $PID
            $m.SenderUserId | Should -Be 0
            $second.Dispose()
            $accepted.PeerProcessId | Should -Be $PID
            $accepted.PeerUserId | Should -Be 0 -Because 'the tests run as root here'
            $c.PeerProcessId | Should -Be $PID
            $c.Dispose(); $accepted.Dispose()
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'picks a free TCP port with -Port 0 and sets TCP_NODELAY on clients' {
        $s = New-IpcSocketServer -Port 0
        try {
            $s.Port | Should -BeGreaterThan 0
            $s.EndPoint | Should -Be "127.0.0.1:$($s.Port)"
        }
        finally { $s | Stop-IpcSocketServer }
    }
}

Describe '-Force and stale sockets' {
    It 'replaces a stale socket file, but never a live server''s or a regular file' {
        $p = Get-FreePath
        # A server killed with SIGKILL leaves its socket file behind.
        $peer = Start-IpcPeer -Script "`$s = New-IpcSocketServer '$p'; Start-Sleep -Milliseconds 60000"
        Wait-TestCondition { Test-Path -LiteralPath $p } -What 'the peer''s socket'
        $err = { New-IpcSocketServer $p -Force } | Should -Throw -ErrorId 'bind,EADDRINUSE,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.ErrorDetails.Message | Should -Match 'live server'
        $peer.Process.Kill()
        $null = $peer.Process.WaitForExit(10000)
        $p | Should -Exist
        { New-IpcSocketServer $p } | Should -Throw -ErrorId 'bind,EADDRINUSE,*'
        $s = New-IpcSocketServer $p -Force
        $s | Stop-IpcSocketServer
        $file = Join-Path $TestDrive 'regular.sock'
        Set-Content -LiteralPath $file -Value 'keep me' -NoNewline
        $err = { New-IpcSocketServer $file -Force } | Should -Throw -ErrorId 'InvalidAddress,*' -PassThru
        $err.ErrorDetails.Message | Should -Match 'not a socket'
        (Get-Content -LiteralPath $file -Raw) | Should -Be 'keep me'
    }
}

Describe 'New-IpcSocketServer against a symlink-swapping peer' -Tag 'Peer' {
    It 'never changes the mode of the file a swapped-in symbolic link points at' {
        $race = Invoke-SymlinkRace -Create {
            param($Path)
            try {
                $server = New-IpcSocketServer $Path -Mode 0666 -ErrorAction Stop
                $server | Stop-IpcSocketServer
                $true
            }
            catch {
                $_.FullyQualifiedErrorId | Should -Match '^(bind,EADDRINUSE|PathReplaced|open,ENOENT),PSIpc.Commands.NewIpcSocketServerCommand$'
                $false
            }
        }
        $race.Swaps | Should -BeGreaterThan 1000 -Because 'the peer must really have raced'
        $race.Made | Should -BeGreaterThan 0
        $race.VictimMode | Should -Be '0600'
    }
}

Describe 'a server with many clients' -Tag 'Peer', 'Slow' {
    It 'gets 64,000 messages from 64 client processes, each in order, and each client exactly its own replies' {
        $exe = Build-CPeer 'sock_client'
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        try {
            $clients = foreach ($i in 1..64) { Start-TestProcess -FileName $exe -ArgumentList @('unix', $p, "c$i", '1000') }
            $last = @{}
            $count = 0
            Receive-IpcMessage $s -Count 64000 -AsEnvelope -Timeout 60 | ForEach-Object {
                $id, $n = $_.Body.Split(':')
                if ([int]$n -ne $last[$id] + 1) { throw "client $id out of order: $n after $($last[$id])" }
                $last[$id] = [int]$n
                $count++
                Send-IpcMessage $_.Sender $_.Body.ToUpper() -Encoding Text
            }
            $count | Should -Be 64000
            $last.Count | Should -Be 64
            foreach ($c in $clients) {
                $r = Wait-TestPeer $c
                $r.ExitCode | Should -Be 0 -Because $r.StdErr
            }
            $s.Accepted | Should -Be 64
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'reports each client that sends an undecodable payload, drops it, and goes on serving a good client' {
        $p = Get-FreePath
        $ready = Join-Path $TestDrive 'hostile.ready'
        $s = New-IpcSocketServer $p
        try {
            # Six hostile clients in another process, each one connection writing one well-framed message whose
            # payload cannot be decoded: cut Json, an open brace, bad CliXml, bytes FF FE, Json 100 levels deep, an empty key.
            $bad = Start-IpcPeer -Script @"
`$payloads = @(@(3, '[1,2'), @(3, '{'), @(2, '<not xml'), @(3, [byte[]](0xFF, 0xFE)), @(3, ('[' * 100) + (']' * 100)), @(3, '{"":1}'))
`$open = foreach (`$b in `$payloads) {
    `$body = if (`$b[1] -is [byte[]]) { `$b[1] } else { [Text.Encoding]::UTF8.GetBytes(`$b[1]) }
    `$n = `$body.Length
    `$frame = [byte[]](0x50, 0x49, 1, `$b[0], ((`$n -shr 24) -band 255), ((`$n -shr 16) -band 255), ((`$n -shr 8) -band 255), (`$n -band 255)) + `$body
    `$c = Connect-IpcSocket '$p' -Framing Raw
    Send-IpcMessage `$c -InputObject ([byte[]]`$frame) -Encoding Bytes -ErrorAction Stop
    `$c
}
Set-Content -LiteralPath '$ready' -Value 'sent'
Start-Sleep -Seconds 30
"@
            Wait-TestCondition { $bad.Process.HasExited -or (Test-Path -LiteralPath $ready) } -What 'the hostile clients'
            $bad.Process.HasExited | Should -BeFalse -Because 'the hostile clients stay connected'
            $good = Start-IpcPeer -Script "`$c = Connect-IpcSocket '$p'; 1..3 | ForEach-Object { Send-IpcMessage `$c ""good `$_""; Receive-IpcMessage `$c -Timeout 20 }"
            # A client's failure does not count toward -Count: three messages are the good client's three.
            $served = Receive-IpcMessage $s -Count 3 -AsEnvelope -Timeout 20 -ErrorAction SilentlyContinue -ErrorVariable errs |
                ForEach-Object { Send-IpcMessage $_.Sender $_.Body.ToUpper(); $_.Body }
            $served | Should -Be @('good 1', 'good 2', 'good 3')
            (Wait-TestPeer $good).StdOut.Trim() -split '\s*\n\s*' | Should -Be @('GOOD 1', 'GOOD 2', 'GOOD 3')
            $errs | Should -HaveCount 6
            foreach ($e in $errs) {
                $e.FullyQualifiedErrorId | Should -Match '^(JsonInvalid|CliXmlInvalid|JsonUnrepresentable),PSIpc.Commands.ReceiveIpcMessageCommand$'
                $e.CategoryInfo.Category | Should -Be 'ProtocolError'
                $e.TargetObject | Should -BeOfType ([PSIpc.IpcSocket])
                $e.ErrorDetails.Message | Should -Match 'could not be decoded'
            }
            foreach ($e in $errs) { $e.TargetObject.IsOpen | Should -BeFalse -Because 'the server disconnects a client whose payload it cannot decode' }
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'keeps serving when a client never reads its replies, with a reply -Timeout that drops that client' {
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        try {
            # A client that floods requests and never reads a reply: the replies fill its socket buffers.
            $flood = Start-IpcPeer -Script "`$c = Connect-IpcSocket '$p'; 1..3000 | ForEach-Object { 'x' * 1000 } | Send-IpcMessage `$c -Encoding Text -Timeout 30 -ErrorAction SilentlyContinue; Start-Sleep -Seconds 30"
            $good = $null
            $dropped = 0
            # The README's one-line server, with the fix: a reply that cannot be written within 1 s drops that client.
            $served = Receive-IpcMessage $s -Continuous -AsEnvelope -Timeout 20 -ErrorAction SilentlyContinue | ForEach-Object {
                $m = $_
                try { Send-IpcMessage $m.Sender $m.Body.ToUpper() -Encoding Text -Timeout 1 -ErrorAction Stop }
                catch { Close-IpcChannel $m.Sender; $dropped++ }
                if ($dropped -and -not $good) {
                    $good = Start-IpcPeer -Script "`$c = Connect-IpcSocket '$p'; 1..3 | ForEach-Object { Send-IpcMessage `$c ""ok `$_"" -Encoding Text; Receive-IpcMessage `$c -Timeout 20 }"
                }
                if ($m.Body -like 'ok *') { $m.Body }
            } | Select-Object -First 3
            $dropped | Should -Be 1 -Because 'the client that never reads is dropped once its reply cannot be written'
            $served | Should -Be @('ok 1', 'ok 2', 'ok 3') -Because 'the other clients are still served'
            (Wait-TestPeer $good).StdOut.Trim() -split '\s*\n\s*' | Should -Be @('OK 1', 'OK 2', 'OK 3')
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'goes on when a client is killed with SIGKILL mid-stream, or breaks a frame' {
        $exe = Build-CPeer 'sock_client'
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        try {
            $victim = Start-TestProcess -FileName $exe -ArgumentList @('unix', $p, 'victim', '1000000')
            Receive-IpcMessage $s -Count 100 -AsEnvelope -Timeout 30 | ForEach-Object { Send-IpcMessage $_.Sender $_.Body.ToUpper() -Encoding Text }
            (Wait-TestPeer (Start-TestProcess -FileName 'kill' -ArgumentList @('-KILL', "$($victim.Id)"))).ExitCode | Should -Be 0
            $null = Wait-TestPeer $victim
            $cut = Start-TestProcess -FileName $exe -ArgumentList @('cut', 'unix', $p)
            $null = Wait-TestPeer $cut
            $good = Start-TestProcess -FileName $exe -ArgumentList @('unix', $p, 'good', '50')
            $errs = [System.Collections.Generic.List[object]]::new()
            $goodCount = 0
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            while ($goodCount -lt 50 -and $watch.Elapsed.TotalSeconds -lt 60) {
                $m = Receive-IpcMessage $s -AsEnvelope -Timeout 30 -ErrorAction SilentlyContinue -ErrorVariable e
                $errs.AddRange(@($e))
                if ($m -and $m.Body.StartsWith('good:')) {
                    Send-IpcMessage $m.Sender $m.Body.ToUpper() -Encoding Text
                    $goodCount++
                }
            }
            $goodCount | Should -Be 50
            (Wait-TestPeer $good).ExitCode | Should -Be 0
            @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'FrameTruncated*' }) | Should -HaveCount 1
        }
        finally { $s | Stop-IpcSocketServer }
    }
}

Describe 'socket interop' -Tag 'Peer' {
    It 'talks Line framing with socat over a Unix socket, both ways' {
        Test-PeerTool -Name socat -Package socat
        $p = Get-FreePath
        $s = New-IpcSocketServer $p -Framing Line
        try {
            $socat = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'printf "hello from socat\n" | socat -t 5 - UNIX-CONNECT:"$0"', $p)
            $m = Receive-IpcMessage $s -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'hello from socat'
            Send-IpcMessage $m.Sender 'hello back'
            (Wait-TestPeer $socat).StdOut | Should -Be "hello back`n"
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'reads what nc sends over TCP in Raw framing' {
        Test-PeerTool -Name nc -Package netcat-openbsd
        $s = New-IpcSocketServer -Port 0 -Framing Raw
        try {
            $nc = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'printf "raw bytes" | nc -N 127.0.0.1 "$0"', "$($s.Port)")
            Receive-IpcMessage $s -Timeout 10 | Should -BeExactly 'raw bytes'
        }
        finally { $s | Stop-IpcSocketServer }
        $null = Wait-TestPeer $nc
    }

    It 'writes Raw bytes that an nc listener prints' {
        Test-PeerTool -Name nc -Package netcat-openbsd
        $port = 20000 + [System.Random]::new().Next(0, 20000)
        $nc = Start-TestProcess -FileName 'nc' -ArgumentList @('-l', '127.0.0.1', "$port")
        $c = $null
        for ($try = 0; $null -eq $c -and $try -lt 200; $try++) {
            $c = Connect-IpcSocket -Port $port -Framing Raw -Timeout 1 -ErrorAction SilentlyContinue
            if ($null -eq $c) { Start-Sleep -Milliseconds 25 }
        }
        Send-IpcMessage $c 'to nc, raw'
        $c.Dispose()
        (Wait-TestPeer $nc).StdOut | Should -BeExactly 'to nc, raw'
    }

    It 'reads a C TCP server''s "Hello!"' {
        $exe = Build-CPeer 'hello_server'
        $port = 20000 + [System.Random]::new().Next(0, 20000)
        $server = Start-TestProcess -FileName $exe -ArgumentList @("$port")
        $c = $null
        for ($try = 0; $null -eq $c -and $try -lt 200; $try++) {
            $c = Connect-IpcSocket -Port $port -Framing Raw -Timeout 1 -ErrorAction SilentlyContinue
            if ($null -eq $c) { Start-Sleep -Milliseconds 25 }
        }
        Receive-IpcMessage $c -Timeout 10 | Should -BeExactly 'Hello!'
        Receive-IpcMessage $c -Timeout 10 | Should -BeNullOrEmpty
        $c.Dispose()
        (Wait-TestPeer $server).ExitCode | Should -Be 0
    }

    It 'serves a Python client over TCP with Line framing' {
        Test-PeerTool -Name python3 -Package python3
        $s = New-IpcSocketServer -Port 0 -Framing Line
        try {
            $py = "import socket, sys`ns = socket.create_connection(('127.0.0.1', int(sys.argv[1])))`ns.sendall(b'from python\n')`nprint(s.makefile().readline().strip())"
            $peer = Start-TestProcess -FileName 'python3' -ArgumentList @('-c', $py, "$($s.Port)")
            $m = Receive-IpcMessage $s -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'from python'
            Send-IpcMessage $m.Sender 'to python'
            (Wait-TestPeer $peer).StdOut.Trim() | Should -Be 'to python'
        }
        finally { $s | Stop-IpcSocketServer }
    }
}

Describe 'UDP' {
    It 'carries one datagram per message, and replies reach the sender' {
        $u = New-IpcSocketServer -Port 0 -Protocol Udp
        $c = Connect-IpcSocket -Port $u.Port -Protocol Udp
        try {
            $u | Should -BeOfType ([PSIpc.IpcUdpSocket])
            'one', 'two' | Send-IpcMessage $c -Encoding Text
            $m = Receive-IpcMessage $u -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'one'
            $m.Sender.RemoteEndPoint | Should -Be $c.LocalEndPoint
            $m.SenderEndPoint | Should -Be $c.LocalEndPoint
            Receive-IpcMessage $u -Timeout 10 | Should -Be 'two'
            Send-IpcMessage $m.Sender ([pscustomobject]@{ Reply = 42 })
            (Receive-IpcMessage $c -Timeout 10).Reply | Should -Be 42
        }
        finally { $u, $c | Close-IpcChannel }
    }

    It 'refuses a message above the datagram limit with the limit in the message' {
        $u = New-IpcSocketServer -Port 0 -Protocol Udp
        $c = Connect-IpcSocket -Port $u.Port -Protocol Udp
        try {
            $err = { Send-IpcMessage $c ('x' * 65508) -Encoding Text -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMessage,*' -PassThru
            $err.ErrorDetails.Message | Should -Match 'at most 65507'
            Send-IpcMessage $c ('y' * 65507) -Encoding Text
            (Receive-IpcMessage $u -Timeout 10).Length | Should -Be 65507
        }
        finally { $u, $c | Close-IpcChannel }
    }

    It 'talks to socat and Python over UDP' {
        Test-PeerTool -Name socat -Package socat
        Test-PeerTool -Name python3 -Package python3
        $u = New-IpcSocketServer -Port 0 -Protocol Udp
        try {
            $socat = Start-TestProcess -FileName 'bash' -ArgumentList @('-c', 'printf "from socat" | socat -t 2 - UDP:127.0.0.1:"$0"', "$($u.Port)")
            $m = Receive-IpcMessage $u -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'from socat'
            Send-IpcMessage $m.Sender 'to socat' -Encoding Text
            (Wait-TestPeer $socat).StdOut | Should -Be 'to socat'
            $py = "import socket, sys`ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)`ns.sendto(b'from python', ('127.0.0.1', int(sys.argv[1])))`nprint(s.recvfrom(100)[0].decode())"
            $peer = Start-TestProcess -FileName 'python3' -ArgumentList @('-c', $py, "$($u.Port)")
            $m = Receive-IpcMessage $u -AsEnvelope -Timeout 10
            $m.Body | Should -Be 'from python'
            Send-IpcMessage $m.Sender 'to python' -Encoding Text
            (Wait-TestPeer $peer).StdOut.Trim() | Should -Be 'to python'
        }
        finally { $u | Close-IpcChannel }
    }
}

Describe 'socket errors' {
    It 'reports an address in use as ResourceExists' {
        $s = New-IpcSocketServer -Port 0
        try {
            $err = { New-IpcSocketServer -Port $s.Port } | Should -Throw -ErrorId 'bind,EADDRINUSE,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'reports a refused TCP connection as ConnectionError' {
        $s = New-IpcSocketServer -Port 0
        $port = $s.Port
        $s | Stop-IpcSocketServer
        $err = { Connect-IpcSocket -Port $port -ErrorAction Stop } | Should -Throw -ErrorId 'connect,ECONNREFUSED,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.TargetObject | Should -Be "127.0.0.1:$port"
    }

    It 'reports a stale Unix socket as ConnectionError and a missing one as ObjectNotFound' {
        $p = Get-FreePath
        $peer = Start-IpcPeer -Script "`$s = New-IpcSocketServer '$p'; Start-Sleep -Milliseconds 60000"
        Wait-TestCondition { Test-Path -LiteralPath $p } -What 'the peer''s socket'
        $peer.Process.Kill()
        $null = $peer.Process.WaitForExit(10000)
        $err = { Connect-IpcSocket $p -ErrorAction Stop } | Should -Throw -ErrorId 'connect,ECONNREFUSED,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        Remove-Item -LiteralPath $p -Force
        $err = { Connect-IpcSocket $p -ErrorAction Stop } | Should -Throw -ErrorId 'connect,ENOENT,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'names the sun_path limit for a path that is too long' {
        $long = '/tmp/' + ('x' * 120)
        $err = { New-IpcSocketServer $long } | Should -Throw -ErrorId 'InvalidAddress,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -Match 'at most 107 bytes'
    }

    It 'refuses another user with PermissionDenied, and -AllowUser refuses peers' {
        Assert-CanRunAsNobody
        $p = Get-FreePath
        $s = New-IpcSocketServer $p -Mode 0666 -AllowUser root
        try {
            $result = Invoke-IpcPeerAsNobody "`$c = Connect-IpcSocket '$p' -ErrorAction Stop; try { Send-IpcMessage `$c 'let me in' -ErrorAction Stop; Receive-IpcMessage `$c -Timeout 5 -ErrorAction Stop; 'no error' } catch { `$_.CategoryInfo.Category }"
            $lines = $result.Lines
            Receive-IpcMessage $s -NoWait -ErrorAction SilentlyContinue -WarningVariable refusedWarnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            $s.Refused | Should -Be 1
            $result.StdOut | Should -Not -Match 'no error'
            $refusedWarnings | Should -HaveCount 1
            "$($refusedWarnings[0])" | Should -Match 'refused a connection from user 65534 \(nobody\), process \d+'
        }
        finally { $s | Stop-IpcSocketServer }
        # An abstract socket has no file mode: by default it refuses other users, with one warning per peer process.
        $name = 'psipc-test-' + [guid]::NewGuid().ToString('N')
        $s3 = New-IpcSocketServer -Abstract $name
        try {
            $null = Invoke-IpcPeerAsNobody "1..2 | ForEach-Object { `$c = Connect-IpcSocket -Abstract '$name' -ErrorAction Stop; Send-IpcMessage `$c 'intruder' -ErrorAction SilentlyContinue; `$c }; 'done'"
            $mine = Connect-IpcSocket -Abstract $name
            Send-IpcMessage $mine 'from my own user'
            Receive-IpcMessage $s3 -Timeout 10 -WarningVariable abstractWarnings -WarningAction SilentlyContinue | Should -Be 'from my own user'
            $s3.Refused | Should -Be 2
            $abstractWarnings | Should -HaveCount 1 -Because 'one warning per refused peer, not per connection'
            "$($abstractWarnings[0])" | Should -Match 'user 65534 .*only its own user'
        }
        finally { $s3 | Stop-IpcSocketServer }
        $p2 = Get-FreePath
        $s2 = New-IpcSocketServer $p2
        try {
            $lines = (Invoke-IpcPeerAsNobody "try { Connect-IpcSocket '$p2' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category }").Lines
            $lines[0] | Should -Be 'connect,EACCES,PSIpc.Commands.ConnectIpcSocketCommand'
            $lines[1] | Should -Be 'PermissionDenied'
        }
        finally { $s2 | Stop-IpcSocketServer }
    }

    It 'names errno EADDRNOTAVAIL when asked to listen on an address this machine does not have' {
        # bind(2) only: no packet leaves the machine.
        $err = { New-IpcSocketServer -Port 0 -Address 192.0.2.1 } | Should -Throw -ErrorId 'bind,EADDRNOTAVAIL,PSIpc.Commands.NewIpcSocketServerCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'waits for room in a full Unix listen backlog and times out with ConnectTimeout, never handing out an unconnected channel' {
        $p = Get-FreePath
        $s = New-IpcSocketServer $p
        $clients = [System.Collections.Generic.List[object]]::new()
        try {
            # The server accepts nothing until it receives: connections pile up in its backlog (128) until it is full.
            $failure = $null
            for ($i = 0; $i -lt 400 -and -not $failure; $i++) {
                try { $clients.Add((Connect-IpcSocket $p -Timeout 0.05 -ErrorAction Stop)) }
                catch { $failure = $_ }
            }
            $failure | Should -Not -BeNullOrEmpty -Because 'a connect to a full backlog must not pretend to succeed'
            $failure.FullyQualifiedErrorId | Should -Be 'ConnectTimeout,PSIpc.Commands.ConnectIpcSocketCommand'
            $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failure.ErrorDetails.Message | Should -Match 'backlog'
            $clients.Count | Should -BeGreaterOrEqual 100
            # Once the server accepts, there is room again, and every channel handed out was really connected.
            Receive-IpcMessage $s -NoWait | Should -BeNullOrEmpty
            $late = Connect-IpcSocket $p -Timeout 5
            $clients.Add($late)
            Send-IpcMessage $late 'made it'
            Receive-IpcMessage $s -Timeout 10 | Should -Be 'made it'
        }
        finally {
            foreach ($c in $clients) { $c.Dispose() }
            $s | Stop-IpcSocketServer
        }
    }

    It 'times out Wait-IpcConnection, and Ctrl+C stops it and a continuous receive' {
        $s = New-IpcSocketServer -Port 0
        try {
            $err = { Wait-IpcConnection $s -Timeout 0.2 } | Should -Throw -ErrorId 'AcceptTimeout,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            foreach ($script in 'Wait-IpcConnection -Server $args[0]', 'Receive-IpcMessage -Channel $args[0] -Continuous') {
                Assert-StopsOnCtrlC -Script $script -Argument $s
            }
        }
        finally { $s | Stop-IpcSocketServer }
    }

    It 'leaves no socket files behind' {
        # Every socket file this session made and that is still one: servers remove theirs when they stop.
        Get-IpcObject -Kind Socket | Should -HaveCount 0
    }
}

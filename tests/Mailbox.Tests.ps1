# Open-IpcMailbox, Send-IpcMessage -ProcessId, Receive-IpcMessage -FromProcessId and -WaitForReceipt: direct
# communication between processes named by pid, against pwsh, C and Python peers, other users and hostile directories.
BeforeAll {
    . $PSScriptRoot/common.ps1
    # Every mailbox of this file lives under the test drive, so the machine's /tmp/psipc-<uid> is left alone.
    $script:SavedRoot = $env:PSIPC_MAILBOX_ROOT
    $script:Root = Join-Path $TestDrive 'mbroot'
    $null = New-Item -ItemType Directory -Path $script:Root
    & chmod 0755 $script:Root $TestDrive
    $env:PSIPC_MAILBOX_ROOT = $script:Root
    $script:Uid = [int](& id -u)
    $script:Dir = Join-Path $script:Root "psipc-$script:Uid"
    $script:Mailbox = Open-IpcMailbox

    function Wait-Mailbox([int]$Id) {
        Wait-TestCondition -What "process $Id's mailbox" -Condition { Test-Path -LiteralPath (Join-Path $script:Dir $Id) }
    }

    function Receive-Peer($Peer) {
        $r = Wait-TestPeer $Peer
        if ($r.ExitCode -ne 0) { throw "peer $($Peer.Id) failed ($($r.ExitCode)): $($r.StdOut) $($r.StdErr)" }
        $r.StdOut.Trim() -split "`n" | ForEach-Object { $_.Trim() }
    }
}

AfterAll {
    $script:Mailbox | Close-IpcChannel
    $env:PSIPC_MAILBOX_ROOT = $script:SavedRoot
    Remove-TestRoot
}

Describe 'Open-IpcMailbox' {
    It 'binds an owner-only socket at <root>/psipc-<uid>/<pid>, the same object on every call' {
        $script:Mailbox.Kind | Should -Be 'Mailbox'
        $script:Mailbox.Path | Should -Be (Join-Path $script:Dir $PID)
        $script:Mailbox.ProcessId | Should -Be $PID
        Get-FileMode $script:Dir | Should -Be '0700'
        Get-FileMode $script:Mailbox.Path | Should -Be '0600'
        [object]::ReferenceEquals((Open-IpcMailbox), $script:Mailbox) | Should -BeTrue
        $script:Mailbox.Capacity.Messages | Should -Be ([int](Get-Content /proc/sys/net/unix/max_dgram_qlen))
        $script:Mailbox.Capabilities.HasFlag([PSIpc.IpcChannelCapabilities]::SenderSelection) | Should -BeTrue
    }

    It 'uses /tmp/psipc-<uid> without PSIPC_MAILBOX_ROOT, and removes its socket when the session ends' {
        $peer = Start-IpcPeer -Script '$env:PSIPC_MAILBOX_ROOT = $null; $m = Open-IpcMailbox; $m.Path; (Get-Item -LiteralPath (Split-Path $m.Path)).UnixMode'
        $path, $mode = Receive-Peer $peer
        $path | Should -Be "/tmp/psipc-$script:Uid/$($peer.Id)"
        $mode | Should -Be 'drwx------'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'lists the live mailboxes, and removes those of killed processes when it finds them' {
        $peer = Start-IpcPeer -Script '$null = Open-IpcMailbox; Start-Sleep 60'
        Wait-Mailbox $peer.Id
        $listed = Get-IpcObject -Kind Mailbox
        $listed.ProcessId | Should -Contain $PID
        $listed.ProcessId | Should -Contain $peer.Id
        $peer.Process.Kill()
        $peer.Process.WaitForExit()
        Test-Path -LiteralPath (Join-Path $script:Dir $peer.Id) | Should -BeTrue -Because 'SIGKILL leaves the socket file'
        (Get-IpcObject -Kind Mailbox).ProcessId | Should -Not -Contain $peer.Id
        Test-Path -LiteralPath (Join-Path $script:Dir $peer.Id) | Should -BeFalse
        { Send-IpcMessage -ProcessId $peer.Id 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'NoSuchProcess,PSIpc.Commands.SendIpcMessageCommand'
    }

    It 'refuses a directory that <Case>' -TestCases @(
        @{ Case = 'belongs to another user'; Spoil = { param($d) $null = New-Item -ItemType Directory $d; & chmod 0700 $d; & chown 65534 $d } }
        @{ Case = 'is open to others (0755)'; Spoil = { param($d) $null = New-Item -ItemType Directory $d; & chmod 0755 $d } }
        @{ Case = 'is a symbolic link'; Spoil = { param($d) $t = "$d.target"; $null = New-Item -ItemType Directory $t; & chmod 0700 $t; & ln -s $t $d } }
    ) {
        $root = Join-Path $TestDrive ('spoilt' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory $root
        & chmod 0755 $root
        & $Spoil (Join-Path $root "psipc-$script:Uid")
        $peer = Start-IpcPeer -Script "`$env:PSIPC_MAILBOX_ROOT = '$root'; try { Open-IpcMailbox -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.ErrorDetails.Message }"
        $id, $category, $message = Receive-Peer $peer
        $id | Should -Be 'UnsafeMailboxDirectory,PSIpc.Commands.OpenIpcMailboxCommand'
        $category | Should -Be 'SecurityError'
        $message | Should -Match ([regex]::Escape("$root/psipc-$script:Uid"))
        @(Get-ChildItem -LiteralPath $root -Recurse -Force | Where-Object UnixMode -like 's*').Count | Should -Be 0
    }
}

Describe 'Send-IpcMessage -ProcessId and Receive-IpcMessage -FromProcessId' {
    It 'exchanges objects and text with another pwsh both ways, by pid' {
        $peer = Start-IpcPeer -Script @"
`$m = Open-IpcMailbox
Send-IpcMessage -ProcessId $PID -InputObject @{ Greeting = 'hello'; Numbers = 1, 2, 3 }
Send-IpcMessage -ProcessId $PID 'plain text' -Encoding Text
`$reply = Receive-IpcMessage `$m -AsEnvelope -Timeout 30
"`$(`$reply.Body.Answer)|`$(`$reply.SenderProcessId)"
(Receive-IpcMessage `$m -Timeout 30)
"@
        $first = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        $first.Body.Greeting | Should -Be 'hello'
        $first.Body.Numbers | Should -Be @(1, 2, 3)
        $first.Encoding | Should -Be 'CliXml'
        $first.SenderProcessId | Should -Be $peer.Id
        $first.SenderUserId | Should -Be $script:Uid
        $second = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30 -FromProcessId $peer.Id
        $second.Body | Should -Be 'plain text'
        $second.Encoding | Should -Be 'Text'
        Send-IpcMessage -ProcessId $first.SenderProcessId -InputObject ([pscustomobject]@{ Answer = 42 })
        Send-IpcMessage $second.Sender 'on the envelope' -Encoding Text
        Receive-Peer $peer | Should -Be @("42|$PID", 'on the envelope')
    }

    It 'keeps a third process''s messages for later, in order, while taking one process''s' {
        $a = Start-IpcPeer -Script "'a1', 'a2', 'a3' | Send-IpcMessage -ProcessId $PID"
        $null = Receive-Peer $a
        $b = Start-IpcPeer -Script "`$m = Open-IpcMailbox; 'b1', 'b2' | Send-IpcMessage -ProcessId $PID; `$null = Receive-IpcMessage `$m -Timeout 60"
        Receive-IpcMessage $script:Mailbox -FromProcessId $b.Id -Count 2 -Timeout 30 | Should -Be @('b1', 'b2')
        $script:Mailbox.PendingCount | Should -Be 3
        $later = Receive-IpcMessage $script:Mailbox -Count 3 -Timeout 30 -AsEnvelope
        $later.Body | Should -Be @('a1', 'a2', 'a3')
        $later.SenderProcessId | Sort-Object -Unique | Should -Be $a.Id
        $script:Mailbox.PendingCount | Should -Be 0
        Send-IpcMessage -ProcessId $b.Id 'done'
        $null = Receive-Peer $b
    }

    It 'takes every message of 16 C senders x 1000, none lost, duplicated or out of order per sender' {
        $exe = Build-CPeer 'mailbox_send'
        $senders = 1..16 | ForEach-Object { Start-TestProcess -FileName $exe -ArgumentList "$PID", '-flood', "s$_", '1000' }
        $got = Receive-IpcMessage $script:Mailbox -Count 16000 -Timeout 60 -AsEnvelope
        $got.Count | Should -Be 16000
        foreach ($group in $got | Group-Object SenderProcessId) {
            $group.Count | Should -Be 1000
            $numbers = $group.Group | ForEach-Object { [int]($_.Body -split ':')[1] }
            ($numbers -join ',') | Should -Be ((0..999) -join ',')
            @($group.Group | ForEach-Object { ($_.Body -split ':')[0] } | Sort-Object -Unique).Count | Should -Be 1
        }
        @($got | Group-Object SenderProcessId).Count | Should -Be 16
        $senders | ForEach-Object { (Wait-TestPeer $_).ExitCode | Should -Be 0 }
    }

    It 'takes messages from a C program and a Python program that follow the documented rule' {
        Test-PeerTool -Name python3 -Package python3
        $exe = Build-CPeer 'mailbox_send'
        $c = Start-TestProcess -FileName $exe -ArgumentList "$PID", 'from C', '{"lang":"c","n":1}'
        $cText = Receive-IpcMessage $script:Mailbox -FromProcessId $c.Id -AsEnvelope -Timeout 30
        $cJson = Receive-IpcMessage $script:Mailbox -FromProcessId $c.Id -AsEnvelope -Timeout 30
        (Wait-TestPeer $c).ExitCode | Should -Be 0
        $py = Start-TestProcess -FileName python3 -ArgumentList (Join-Path $PSScriptRoot 'peers/mailbox_send.py'), "$PID", 'from Python', '{"lang":"python"}'
        $pText = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        $pJson = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        (Wait-TestPeer $py).ExitCode | Should -Be 0
        $cText.Body | Should -Be 'from C'
        $cJson.Body.lang | Should -Be 'c'
        $cJson.Encoding | Should -Be 'Json'
        $cText.SenderProcessId | Should -Be $c.Id
        $pText.Body | Should -Be 'from Python'
        $pJson.Body.lang | Should -Be 'python'
        $pText.SenderProcessId | Should -Be $py.Id
    }

    It 'takes the sender''s identity from the kernel: a claim in the body or in SCM_CREDENTIALS changes nothing' {
        Assert-CanRunAsNobody
        Test-PeerTool -Name python3 -Package python3
        $exe = Build-CPeer 'mailbox_send'
        $liar = Start-TestProcess -FileName $exe -ArgumentList "$PID", 'SenderProcessId=1'
        $m = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        $null = Wait-TestPeer $liar
        $m.Body | Should -Be 'SenderProcessId=1'
        $m.SenderProcessId | Should -Be $liar.Id
        $script = Join-Path (Get-NobodyInstall).Root 'mailbox_send.py'
        Copy-Item (Join-Path $PSScriptRoot 'peers/mailbox_send.py') $script
        & chmod a+r $script
        $spoof = Start-TestProcess -FileName setpriv -ArgumentList '--reuid=65534', '--regid=65534', '--clear-groups', '--', '/usr/bin/python3', $script, "$PID", '-spoof', '1'
        (Receive-Peer $spoof) | Should -Be 'REFUSED EPERM'
        Receive-IpcMessage $script:Mailbox -NoWait | Should -BeNullOrEmpty
    }

    It 'answers on an envelope only while its sender lives: a reused pid gets nothing' {
        $peer = Start-IpcPeer -Script "Send-IpcMessage -ProcessId $PID 'bye'"
        $m = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        $null = Receive-Peer $peer
        { Send-IpcMessage $m.Sender 'too late' -ErrorAction Stop } | Should -Throw -ErrorId 'NoSuchProcess,PSIpc.Commands.SendIpcMessageCommand'
    }

    It 'says a process <Case> is ObjectNotFound, naming it' -TestCases @(
        @{ Case = 'without a mailbox'; Target = { 1 }; Id = 'NoMailbox'; Text = 'process 1 has no PSIpc mailbox: it must call Open-IpcMailbox' }
        @{ Case = 'that does not exist'; Target = { 4194000 }; Id = 'NoSuchProcess'; Text = 'There is no process 4194000' }
    ) {
        $e = { Send-IpcMessage -ProcessId (& $Target) 'x' -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be "$Id,PSIpc.Commands.SendIpcMessageCommand"
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.ErrorDetails.Message | Should -Match ([regex]::Escape($Text))
    }

    It 'refuses another user unless the mailbox allows that user' {
        Assert-CanRunAsNobody
        $send = "try { Send-IpcMessage -ProcessId $PID 'from nobody' -ErrorAction Stop; 'SENT' } catch { `$_.CategoryInfo.Category; `$_.ErrorDetails.Message }"
        $refused = Invoke-IpcPeerAsNobody -Script $send
        $refused.Lines[0] | Should -Be 'PermissionDenied'
        $refused.Lines[1] | Should -Match 'must call Open-IpcMailbox -AllowUser nobody'
        Receive-IpcMessage $script:Mailbox -NoWait | Should -BeNullOrEmpty
        $null = Open-IpcMailbox -AllowUser nobody
        $script:Mailbox.AllowedUsers | Should -Be 'nobody'
        (Invoke-IpcPeerAsNobody -Script $send).Lines | Should -Be 'SENT'
        $m = Receive-IpcMessage $script:Mailbox -AsEnvelope -Timeout 30
        $m.Body | Should -Be 'from nobody'
        $m.SenderUserId | Should -Be 65534
    }
}

Describe 'Rendezvous and bounded mailboxes' {
    It '-WaitForReceipt returns only after the receiver has taken the message' {
        $peer = Start-IpcPeer -Script '$m = Open-IpcMailbox; Start-Sleep -Seconds 2; (Get-Date).ToUniversalTime().ToString("o"); (Receive-IpcMessage $m -Timeout 30)'
        Wait-Mailbox $peer.Id
        $sent = Send-IpcMessage -ProcessId $peer.Id 'rendezvous' -WaitForReceipt -PassThru -Timeout 30
        $returned = [datetimeoffset]::UtcNow
        $before, $body = Receive-Peer $peer
        $body | Should -Be 'rendezvous'
        $sent.ReceiptTime | Should -BeGreaterOrEqual ([datetimeoffset]::Parse($before))
        $returned | Should -BeGreaterOrEqual ([datetimeoffset]::Parse($before))
    }

    It '-WaitForReceipt times out (OperationTimeout) when the receiver never receives' {
        $peer = Start-IpcPeer -Script '$null = Open-IpcMailbox; Start-Sleep 30'
        Wait-Mailbox $peer.Id
        $e = { Send-IpcMessage -ProcessId $peer.Id 'unread' -WaitForReceipt -Timeout 1 -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ReceiptTimeout,PSIpc.Commands.SendIpcMessageCommand'
        $e.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $e.ErrorDetails.Message | Should -Match "Process $($peer.Id) did not receive the message within"
    }

    It 'makes every send to a -Capacity 0 mailbox wait for the receiver' {
        $peer = Start-IpcPeer -Script '$m = Open-IpcMailbox -Capacity 0; "$($m.Capacity)"; Start-Sleep -Seconds 2; (Get-Date).ToUniversalTime().ToString("o"); (Receive-IpcMessage $m -Timeout 30)'
        Wait-Mailbox $peer.Id
        (Get-IpcObject -Kind Mailbox | Where-Object ProcessId -EQ $peer.Id) | Should -Not -BeNullOrEmpty
        { Send-IpcMessage -ProcessId $peer.Id 'x' -NoWait -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOperation,PSIpc.Commands.SendIpcMessageCommand'
        Send-IpcMessage -ProcessId $peer.Id 'zero capacity'
        $returned = [datetimeoffset]::UtcNow
        $capacity, $before, $body = Receive-Peer $peer
        $capacity | Should -Be '0 (rendezvous)'
        $body | Should -Be 'zero capacity'
        $returned | Should -BeGreaterOrEqual ([datetimeoffset]::Parse($before))
    }

    It 'lets a sender run -Capacity messages ahead, then says it is full with -NoWait' {
        $peer = Start-IpcPeer -Script '$m = Open-IpcMailbox -Capacity 2; Start-Sleep -Seconds 3; Receive-IpcMessage $m -Count 3 -Timeout 30'
        Wait-Mailbox $peer.Id
        'one', 'two' | Send-IpcMessage -ProcessId $peer.Id -NoWait
        $e = { Send-IpcMessage -ProcessId $peer.Id 'three' -NoWait -ErrorAction Stop } | Should -Throw -PassThru
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'
        Send-IpcMessage -ProcessId $peer.Id 'three' -Timeout 30
        Receive-Peer $peer | Should -Be @('one', 'two', 'three')
    }
}

Describe 'Receipts on stream sockets between PSIpc peers' {
    It '-WaitForReceipt waits for the peer''s Receive both ways, and keeps what arrives meanwhile' {
        $path = Join-Path $TestDrive 'receipts.sock'
        $server = New-IpcSocketServer $path
        try {
            $peer = Start-IpcPeer -Script @"
`$c = Connect-IpcSocket '$path'
`$sent = Send-IpcMessage `$c 'taken?' -WaitForReceipt -PassThru -Timeout 30
`$sent.ReceiptTime.ToUniversalTime().ToString('o')
Send-IpcMessage `$c 'plain after'
(Receive-IpcMessage `$c -Timeout 30)
try { Send-IpcMessage `$c 'never taken' -WaitForReceipt -Timeout 1 -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }
"@
            $client = Wait-IpcConnection $server -Timeout 30
            Start-Sleep -Seconds 2
            $before = [datetimeoffset]::UtcNow
            $m = Receive-IpcMessage $client -Timeout 30
            $m | Should -Be 'taken?'
            Receive-IpcMessage $client -Timeout 30 | Should -Be 'plain after'
            Send-IpcMessage $client 'answer' -WaitForReceipt -Timeout 30
            $receipt, $answer, $timeout = Receive-Peer $peer
            [datetimeoffset]::Parse($receipt) | Should -BeGreaterOrEqual $before
            $answer | Should -Be 'answer'
            $timeout | Should -Be 'ReceiptTimeout,PSIpc.Commands.SendIpcMessageCommand'
            $client.Dispose()
        }
        finally { $server | Stop-IpcSocketServer }
    }

    It 'refuses -WaitForReceipt where no receipt can come back (a FIFO, a queue)' {
        $pipe = New-IpcPipe
        try {
            { Send-IpcMessage $pipe 'x' -WaitForReceipt -ErrorAction Stop } | Should -Throw -ErrorId 'OptionNotForChannel,PSIpc.Commands.SendIpcMessageCommand'
        }
        finally { $pipe.Dispose() }
    }
}

Describe 'Capacity on every channel' {
    It 'shows the kernel''s bound of <Kind>' -TestCases @(
        @{ Kind = 'a pipe'; Make = { New-IpcPipe }; Check = { param($c, $p) $c.Bytes | Should -Be $p.BufferSize } }
        @{ Kind = 'a ring'; Make = { New-IpcRing -Name ('/psipc-test-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) -Capacity 8 -MessageSize 64 }; Check = { param($c) $c.Messages | Should -Be 8 } }
        @{ Kind = 'a POSIX queue'; Make = { New-IpcMessageQueue -Name ('/psipc-test-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) -MaxMessages 5 }; Check = { param($c) $c.Messages | Should -Be 5 } }
        @{ Kind = 'a UDP socket'; Make = { New-IpcSocketServer -Protocol Udp -Port 0 }; Check = { param($c) $c.Bytes | Should -BeGreaterThan 0 } }
    ) {
        $channel = & $Make
        try {
            & $Check $channel.Capacity $channel
            $channel.Capacity.IsUnbounded | Should -BeFalse
        }
        finally {
            if ($channel.PSObject.Methods['Remove']) { $channel.Remove() } else { $channel.Dispose() }
        }
        "$($channel.Capacity)" | Should -Be '(closed)'
    }
}

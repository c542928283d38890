# Get-Signal, Send-Signal, Register-/Get-/Unregister-SignalHandler and Wait-Signal, between PowerShell processes,
# with kill from a shell and a C receiver that prints si_value.
BeforeAll {
    . $PSScriptRoot/common.ps1
    function Wait-ForFile {
        param([string]$Path, [string]$Content, [int]$TimeoutSeconds = 20)
        Wait-TestCondition { (Get-Content -LiteralPath $Path -Raw -ErrorAction Ignore) -eq $Content } -TimeoutSeconds $TimeoutSeconds -What "'$Path' to say '$Content'"
    }
}

AfterAll {
    Get-SignalHandler | Unregister-SignalHandler
    Remove-TestRoot
}

Describe 'Get-Signal' {
    It 'reports a name that matches no signal as ObjectNotFound, as Get-Process does, and goes on' {
        $found = Get-Signal nosuch, USR1 -ErrorAction SilentlyContinue -ErrorVariable missing
        $found.Name | Should -Be 'SIGUSR1'
        $missing | Should -HaveCount 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'SignalNotFound,PSIpc.Commands.GetSignalCommand'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'nosuch'
        Get-Signal 'nosuch*' -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'lists the platform''s signals with their numbers and default actions' {
        $all = Get-Signal
        ($all | Where-Object Name -EQ 'SIGUSR1').Number | Should -Be 10
        ($all | Where-Object Name -EQ 'SIGTERM').DefaultAction | Should -Be 'Terminate'
        ($all | Where-Object Name -EQ 'SIGCHLD').DefaultAction | Should -Be 'Ignore'
        ($all | Where-Object Name -EQ 'SIGKILL').CanCatch | Should -BeFalse
        ($all | Where-Object Name -EQ 'SIGSTOP').CanCatch | Should -BeFalse
        ($all | Where-Object Name -EQ 'SIGRTMIN+1').Number | Should -Be (($all | Where-Object Name -EQ 'SIGRTMIN').Number + 1)
        ($all | Where-Object Name -EQ 'SIGRTMAX').Number | Should -Be 64
    }

    It 'filters by name with or without SIG, any case, wildcards, or number' {
        (Get-Signal usr*).Name | Should -Be @('SIGUSR1', 'SIGUSR2')
        (Get-Signal SIGTERM).Number | Should -Be 15
        (Get-Signal 9).Name | Should -Be 'SIGKILL'
    }
}

Describe 'Send-Signal' {
    It 'queues a value with -Value that a C SA_SIGINFO handler prints' {
        $exe = Build-CPeer 'sigvalue'
        $ready = Join-Path $TestDrive 'sigvalue.ready'
        $peer = Start-TestProcess -FileName $exe -ArgumentList @($ready)
        Wait-TestCondition { Test-Path -LiteralPath $ready } -What 'the C receiver'
        $sent = Send-Signal -Id $peer.Id -Signal USR1 -Value 4242 -PassThru
        $sent.Signal | Should -Be 'SIGUSR1'
        $result = Wait-TestPeer $peer
        $result.ExitCode | Should -Be 0
        $result.StdOut.Trim() | Should -Be 'si_value 4242'
    }

    It 'ends a process with SIGTERM by default, takes ids from the pipeline, and does nothing with -WhatIf' {
        $peer = Start-TestProcess -FileName 'sleep' -ArgumentList @('30')
        Send-Signal $peer.Id -WhatIf
        $peer.Process.WaitForExit(300) | Should -BeFalse
        [pscustomobject]@{ Id = $peer.Id } | Send-Signal
        $peer.Process.WaitForExit(10000) | Should -BeTrue
    }

    It 'reports a process that does not exist as ObjectNotFound' {
        $err = { Send-Signal 999999 USR1 -ErrorAction Stop } | Should -Throw -ErrorId 'kill,ESRCH,PSIpc.Commands.SendSignalCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 999999
    }

    It 'refuses the non-positive id <Id>, which kill(2) reads as a process group, with InvalidArgument' -ForEach @(@{ Id = 0 }, @{ Id = -1 }, @{ Id = -$PID }) {
        # -WhatIf keeps the test safe had the id gone through: the check comes before anything is sent.
        $err = { Send-Signal -Id $Id -Signal USR1 -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProcessId,PSIpc.Commands.SendSignalCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $Id
        $err.ErrorDetails.Message | Should -Match 'process group|every process'
    }

    It 'rejects an unknown signal name or number' -TestCases @(@{ Signal = 'BOGUS' }, @{ Signal = 99 }) {
        { Send-Signal $PID $Signal } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }

    It 'reports a signal to another user''s process as PermissionDenied' {
        Assert-CanRunAsNobody
        $result = Invoke-IpcPeerAsNobody "try { Send-Signal $PID USR1 -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category }"
        $lines = $result.Lines
        $lines[0] | Should -Be 'kill,EPERM,PSIpc.Commands.SendSignalCommand'
        $lines[1] | Should -Be 'PermissionDenied'
    }
}

Describe 'Register-SignalHandler' {
    It 'handles 500 SIGUSR1 sent one at a time, each acknowledged, in another process' {
        $ready = Join-Path $TestDrive 'usr1.ready'
        $ack = Join-Path $TestDrive 'usr1.ack'
        $script = @"
`$global:ack = '$ack'
`$global:n = 0
`$null = Register-SignalHandler USR1 -Action { `$global:n++; [System.IO.File]::WriteAllText("`$global:ack.tmp", "`$global:n"); [System.IO.File]::Move("`$global:ack.tmp", `$global:ack, `$true) }
Set-Content -LiteralPath '$ready' -Value 'x' -NoNewline
`$watch = [System.Diagnostics.Stopwatch]::StartNew()
while (`$global:n -lt 500 -and `$watch.Elapsed.TotalSeconds -lt 120) { Start-Sleep -Milliseconds 1 }
"handled `$global:n"
"@
        $peer = Start-IpcPeer -Script $script
        Wait-TestCondition { Test-Path -LiteralPath $ready } -What 'the handler'
        for ($i = 1; $i -le 500; $i++) {
            Send-Signal $peer.Id USR1
            Wait-ForFile $ack "$i"
        }
        $result = Wait-TestPeer $peer
        $result.StdOut.Trim() | Should -Be 'handled 500'
        $result.ExitCode | Should -Be 0
    }

    It 'gives the action $Event and $EventArgs, and an error in the action does not break the session' {
        $global:seen = [System.Collections.Generic.List[object]]::new()
        $h = Register-SignalHandler USR2 -SourceIdentifier 'psipc-test-usr2' -MessageData 'data!' -Action {
            $global:seen.Add([pscustomobject]@{ Source = $Event.SourceIdentifier; Data = $Event.MessageData; Signal = $EventArgs.Signal; Number = $EventArgs.Number; When = $EventArgs.Timestamp })
            throw 'the action failed'
        }
        try {
            $h.SourceIdentifier | Should -Be 'psipc-test-usr2'
            Send-Signal $PID USR2
            Wait-TestCondition { $global:seen.Count -ge 1 } -What 'the action'
            $after = 'the session goes on'
            Send-Signal $PID USR2
            Wait-TestCondition { $global:seen.Count -ge 2 } -What 'a second action'
            $after | Should -Be 'the session goes on'
            $global:seen[0].Source | Should -Be 'psipc-test-usr2'
            $global:seen[0].Data | Should -Be 'data!'
            $global:seen[0].Signal | Should -Be 'SIGUSR2'
            $global:seen[0].Number | Should -Be 12
            $global:seen[0].When | Should -BeOfType ([datetimeoffset])
            $h.Count | Should -Be 2
            $h.Errors | Should -HaveCount 2
            $h.Errors[0].Exception.Message | Should -Be 'the action failed'
            (Get-SignalHandler 'psipc-test-*').SourceIdentifier | Should -Be 'psipc-test-usr2'
        }
        finally { Unregister-SignalHandler -SourceIdentifier 'psipc-test-usr2' }
        $h.IsRegistered | Should -BeFalse
        @(Get-SignalHandler 'psipc-test-*') | Should -HaveCount 0
    }

    It 'refuses a SourceIdentifier twice, and uncatchable signals' {
        $h = Register-SignalHandler WINCH -SourceIdentifier 'psipc-test-twice'
        try {
            $err = { Register-SignalHandler WINCH -SourceIdentifier 'psipc-test-twice' } | Should -Throw -ErrorId 'SourceIdentifierInUse,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        }
        finally { $h | Unregister-SignalHandler }
        $err = { Register-SignalHandler KILL } | Should -Throw -ErrorId 'UncatchableSignal,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Register-SignalHandler STOP } | Should -Throw -ErrorId 'UncatchableSignal,*'
    }

    It 'fires on SIGCHLD when a child exits' {
        $global:chld = 0
        $h = Register-SignalHandler CHLD -Action { $global:chld++ }
        try {
            $p = Start-TestProcess -FileName 'true'
            $null = Wait-TestPeer $p
            Wait-TestCondition { $global:chld -ge 1 } -What 'SIGCHLD'
            $global:chld | Should -BeGreaterOrEqual 1
        }
        finally { $h | Unregister-SignalHandler }
    }

    It 'keeps a process running on SIGTERM with a handler, and SIGTERM ends it without one' {
        $ready = Join-Path $TestDrive 'term.ready'
        $with = Start-IpcPeer -Script "`$null = Register-SignalHandler TERM -Action { `$global:termed = `$true }; [System.IO.File]::WriteAllText('$ready', 'x'); `$w = [System.Diagnostics.Stopwatch]::StartNew(); while (-not `$global:termed -and `$w.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 5 }; Start-Sleep -Milliseconds 500; 'survived'"
        Wait-TestCondition { Test-Path -LiteralPath $ready } -What 'the handler'
        Send-Signal $with.Id TERM
        $result = Wait-TestPeer $with
        $result.StdOut.Trim() | Should -Be 'survived'
        $result.ExitCode | Should -Be 0

        $ready2 = Join-Path $TestDrive 'term2.ready'
        $without = Start-IpcPeer -Script "[System.IO.File]::WriteAllText('$ready2', 'x'); Start-Sleep -Milliseconds 30000; 'not reached'"
        Wait-TestCondition { Test-Path -LiteralPath $ready2 } -What 'the peer'
        Send-Signal $without.Id TERM
        $result = Wait-TestPeer $without -TimeoutSeconds 20
        $result.StdOut | Should -Not -Match 'not reached'
    }

    It 'restores the default action when unregistered: a later SIGUSR1 ends the process' {
        $ready = Join-Path $TestDrive 'unreg.ready'
        $peer = Start-IpcPeer -Script "`$h = Register-SignalHandler USR1; `$h | Unregister-SignalHandler; [System.IO.File]::WriteAllText('$ready', 'x'); Start-Sleep -Milliseconds 30000; 'not reached'"
        Wait-TestCondition { Test-Path -LiteralPath $ready } -What 'the peer'
        (Wait-TestPeer (Start-TestProcess -FileName 'kill' -ArgumentList @('-USR1', "$($peer.Id)"))).ExitCode | Should -Be 0
        $result = Wait-TestPeer $peer -TimeoutSeconds 20
        $result.StdOut | Should -Not -Match 'not reached'
        $result.ExitCode | Should -Be 138 -Because 'the process ended by SIGUSR1 (128 + 10)'
    }
}

Describe 'Wait-Signal' {
    It 'returns a signal another process sends, even one sent with kill from a shell' {
        $ready = Join-Path $TestDrive 'wait.ready'
        $peer = Start-IpcPeer -Script "`$null = Register-SignalHandler HUP; [System.IO.File]::WriteAllText('$ready', 'x'); (Wait-Signal USR2 -Timeout 30).Signal; (Wait-Signal USR2 -Timeout 30).Signal"
        Wait-TestCondition { Test-Path -LiteralPath $ready } -What 'the peer'
        Start-Sleep -Milliseconds 300
        Send-Signal $peer.Id USR2
        Start-Sleep -Milliseconds 300
        (Wait-TestPeer (Start-TestProcess -FileName 'kill' -ArgumentList @('-USR2', "$($peer.Id)"))).ExitCode | Should -Be 0
        $result = Wait-TestPeer $peer
        ($result.StdOut.Trim() -split "`n" | ForEach-Object { $_.Trim() }) | Should -Be @('SIGUSR2', 'SIGUSR2')
    }

    It 'receives a signal a C program sends with sigqueue (the value itself is not given to .NET handlers)' {
        $exe = Build-CPeer 'sigqueue_sender'
        $global:rt = $null
        $h = Register-SignalHandler 'RTMIN+1' -Action { $global:rt = $EventArgs }
        try {
            (Wait-TestPeer (Start-TestProcess -FileName $exe -ArgumentList @("$PID", "$((Get-Signal 'RTMIN+1').Number)", '77'))).ExitCode | Should -Be 0
            Wait-TestCondition { $null -ne $global:rt } -What 'the real-time signal'
            $global:rt.Signal | Should -Be 'SIGRTMIN+1'
            $global:rt.SenderProcessId | Should -BeNullOrEmpty
        }
        finally { $h | Unregister-SignalHandler }
    }

    It 'keeps a signal that arrives before the first wait once a handler is registered for it' {
        $h = Register-SignalHandler IO
        try {
            Send-Signal $PID IO
            Start-Sleep -Milliseconds 200
            (Wait-Signal IO -Timeout 5).Signal | Should -Be 'SIGIO'
        }
        finally { Unregister-SignalHandler -Signal IO }
        $h.IsRegistered | Should -BeFalse
    }

    It 'keeps a signal that arrives between two waits' {
        { Wait-Signal URG -Timeout 0.05 } | Should -Throw -ErrorId 'SignalTimeout,*'
        Send-Signal $PID URG
        Start-Sleep -Milliseconds 200
        (Wait-Signal URG -Timeout 5).Signal | Should -Be 'SIGURG'
        Unregister-SignalHandler -Signal URG
    }

    It 'times out cleanly with OperationTimeout' {
        $elapsed = Measure-Command { $err = { Wait-Signal PWR -Timeout 0.3 } | Should -Throw -ErrorId 'SignalTimeout,PSIpc.Commands.WaitSignalCommand' -PassThru }
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $elapsed.TotalSeconds | Should -BeLessThan 10
        Unregister-SignalHandler -Signal PWR
    }

    It 'stops on Ctrl+C' {
        try { Assert-StopsOnCtrlC -Script 'Wait-Signal WINCH' }
        finally { Unregister-SignalHandler -Signal WINCH }
    }

    It 'refuses uncatchable signals' {
        { Wait-Signal KILL } | Should -Throw -ErrorId 'UncatchableSignal,*'
    }
}

Describe 'signal handler cleanup' {
    It 'unregisters the handlers a runspace registered when the runspace closes' {
        $ps = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        $h = $ps.AddScript("Import-Module '$ModuleManifest'; Register-SignalHandler WINCH -Action { 1 }").Invoke()[0]
        $h.IsRegistered | Should -BeTrue
        $ps.Runspace.Dispose()
        $ps.Dispose()
        $h.IsRegistered | Should -BeFalse
        # A signal after the runspace is gone does no harm.
        Send-Signal $PID WINCH
        Start-Sleep -Milliseconds 200
        1 | Should -Be 1
    }
}

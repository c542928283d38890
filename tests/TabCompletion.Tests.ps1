# Tab completion: signal names, and the names and keys of IPC objects that exist (TabExpansion2, as the console uses).
BeforeAll {
    . $PSScriptRoot/common.ps1
    function Get-Completion {
        param([string]$Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
}

AfterAll {
    Remove-TestRoot
}

Describe 'tab completion' {
    It 'completes signal names for -Signal' {
        Get-Completion 'Send-Signal 1 -Signal US' | Should -Be @('USR1', 'USR2')
        Get-Completion 'Wait-Signal -Signal TE' | Should -Contain 'TERM'
    }

    It 'completes existing POSIX queue, shared memory, ring and semaphore names' {
        $name = New-TestName
        $shm = New-SharedMemory 4KB -Name $name
        $sem = New-IpcSemaphore "$name-s"
        try {
            Get-Completion "Connect-SharedMemory -Name $name" | Should -Be @($name)
            Get-Completion "Connect-IpcSemaphore -Name $name" | Should -Be @("$name-s")
            Get-Completion "Remove-IpcRing -Name $name" | Should -Be @($name)
            if ([System.IO.Directory]::Exists('/dev/mqueue')) {
                $q = New-IpcMessageQueue -Name "$name-q"
                try { Get-Completion "Connect-IpcMessageQueue -Name $name" | Should -Be @("$name-q") } finally { $q | Remove-IpcMessageQueue }
            }
        }
        finally {
            $shm | Remove-SharedMemory
            $sem | Remove-IpcSemaphore
        }
    }

    It 'completes the keys of existing System V queues and segments' {
        $key = [System.Random]::new().Next(0x10000, 0x7ffffff)
        $hex = '0x' + $key.ToString('x8')
        $q = New-IpcMessageQueue -Key $key
        $m = New-SharedMemory 4KB -Key $key
        try {
            Get-Completion "Connect-IpcMessageQueue -Key $($hex.Substring(0, 9))" | Should -Contain $hex
            Get-Completion "Connect-SharedMemory -Key $($hex.Substring(0, 9))" | Should -Contain $hex
        }
        finally {
            $q | Remove-IpcMessageQueue
            $m | Remove-SharedMemory
        }
    }
}

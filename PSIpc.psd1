@{
    RootModule           = 'PSIpc.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '4f6b0a52-2d0c-4a51-9c59-7f0e3c1d8a21'
    Author               = 'The PSIpc developers'
    CompanyName          = 'PSIpc'
    Copyright            = '(c) 2026 The PSIpc developers. MIT licence.'
    Description          = 'Inter-process communication for PowerShell on Linux: pipes, FIFOs, message queues, shared memory, semaphores, file locks, sockets and signals as cmdlets whose objects compose into pipelines.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('PSIpc.Format.ps1xml')
    CmdletsToExport      = @(
        'Close-IpcChannel'
        'Connect-IpcMessageQueue'
        'Connect-IpcPipe'
        'Connect-IpcRing'
        'Connect-IpcSemaphore'
        'Connect-IpcSocket'
        'Connect-SharedMemory'
        'Disconnect-SharedMemory'
        'Get-IpcObject'
        'Get-Signal'
        'Get-SignalHandler'
        'Lock-IpcFile'
        'Lock-IpcSemaphore'
        'New-IpcFifo'
        'New-IpcMessageQueue'
        'New-IpcPipe'
        'New-IpcRing'
        'New-IpcSemaphore'
        'New-IpcSocketServer'
        'New-SharedMemory'
        'Open-IpcFifo'
        'Open-IpcMailbox'
        'Read-SharedMemory'
        'Receive-IpcMessage'
        'Register-SignalHandler'
        'Remove-IpcFifo'
        'Remove-IpcMessageQueue'
        'Remove-IpcObject'
        'Remove-IpcRing'
        'Remove-IpcSemaphore'
        'Remove-SharedMemory'
        'Send-IpcMessage'
        'Send-Signal'
        'Stop-IpcSocketServer'
        'Unlock-IpcFile'
        'Unlock-IpcSemaphore'
        'Unregister-SignalHandler'
        'Use-IpcLock'
        'Wait-IpcConnection'
        'Wait-Signal'
        'Write-SharedMemory'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PSEdition_Core', 'Linux', 'IPC', 'Pipe', 'FIFO', 'MessageQueue', 'SharedMemory', 'Semaphore', 'FileLock', 'Socket', 'Signal')
            ProjectUri   = 'https://github.com/psipc/PSIpc'
            LicenseUri   = 'https://github.com/psipc/PSIpc/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: anonymous pipes, FIFOs, System V and POSIX message queues, shared memory and rings, semaphores and file locks, Unix/TCP/UDP sockets and signals as cmdlets; Get-IpcObject / Remove-IpcObject; -RemoveOnExit; help from docs/; a side-by-side benchmark against C and Python.'
        }
    }
}

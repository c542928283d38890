using System;
using System.Collections.ObjectModel;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Runs a script block while holding a semaphore or a file lock, and always releases it.</summary>
[Cmdlet(VerbsOther.Use, "IpcLock", DefaultParameterSetName = "Semaphore")]
[OutputType(typeof(object))]
public sealed class UseIpcLockCommand : IpcCmdlet
{
    /// <summary>The semaphore to take (P before, V after).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Semaphore")]
    public IpcSemaphore Semaphore { get; set; } = null!;

    /// <summary>A file to flock for the length of the block (created when missing).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>With -Path: a shared (read) lock instead of an exclusive one.</summary>
    [Parameter(ParameterSetName = "Path")]
    public SwitchParameter Shared { get; set; }

    /// <summary>What to run while the lock is held.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    protected override void EndProcessing()
    {
        IDisposable? release = null;
        object target = ParameterSetName == "Path" ? Path : Semaphore;
        try
        {
            if (ParameterSetName == "Path")
            {
                string path = PathHelper.ResolveNew(this, Path);
                target = path;
                release = IpcFileLock.Acquire(path, Shared, timeout: Timeout, cancellationToken: CancelToken);
            }
            else
            {
                Semaphore.Wait(Timeout, noWait: false, CancelToken);
                release = new Releaser(Semaphore);
            }
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, target, $"Cannot take the lock {target}");
        }

        try
        {
            Collection<PSObject> output = InvokeCommand.InvokeScript(SessionState, ScriptBlock, null);
            WriteObject(output, enumerateCollection: true);
        }
        finally
        {
            release?.Dispose();
        }
    }

    private sealed class Releaser : IDisposable
    {
        private IpcSemaphore? _semaphore;

        public Releaser(IpcSemaphore semaphore) => _semaphore = semaphore;

        public void Dispose()
        {
            _semaphore?.Release();
            _semaphore = null;
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Takes one from a semaphore (P), waiting while it is 0.</summary>
[Cmdlet(VerbsCommon.Lock, "IpcSemaphore", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcSemaphore))]
public sealed class LockIpcSemaphoreCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSemaphore Semaphore { get; set; } = null!;

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Emits the semaphore after taking it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            if (!Semaphore.Wait(Timeout, NoWait, CancelToken))
            {
                WriteError(ErrorHelper.Create(
                    "SemaphoreBusy", ErrorCategory.ResourceBusy, Semaphore,
                    $"The semaphore {Semaphore.Name} is at 0 (held by others); -NoWait did not wait."));
                return;
            }
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, Semaphore, $"Cannot take the semaphore {Semaphore.Name}");
        }

        if (PassThru)
        {
            WriteObject(Semaphore);
        }
    }
}

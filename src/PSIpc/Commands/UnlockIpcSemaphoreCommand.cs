using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Gives one back to a semaphore (V).</summary>
[Cmdlet(VerbsCommon.Unlock, "IpcSemaphore", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcSemaphore))]
public sealed class UnlockIpcSemaphoreCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSemaphore Semaphore { get; set; } = null!;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            Semaphore.Release();
        }
        catch (NativeException e) when (e.Errno == 75)
        {
            WriteIpcError(
                e,
                Semaphore,
                $"Cannot release the semaphore {Semaphore.Name}: its value is at the maximum (SEM_VALUE_MAX)",
                "SemaphoreOverflow");
            return;
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, Semaphore, $"Cannot release the semaphore {Semaphore.Name}");
            return;
        }

        if (PassThru)
        {
            WriteObject(Semaphore);
        }
    }
}

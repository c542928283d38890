using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes POSIX named semaphores (sem_unlink).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IpcSemaphore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Semaphore")]
[OutputType(typeof(void))]
public sealed class RemoveIpcSemaphoreCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Semaphore")]
    public IpcSemaphore[] Semaphore { get; set; } = Array.Empty<IpcSemaphore>();

    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SemaphoreNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Name")
        {
            foreach (string name in Name)
            {
                if (ShouldProcess(name, "Remove semaphore"))
                {
                    RemoveOne(() => IpcSemaphore.Unlink(name), name, "semaphore");
                }
            }

            return;
        }

        foreach (IpcSemaphore semaphore in Semaphore)
        {
            if (ShouldProcess(semaphore.Name, "Remove semaphore"))
            {
                RemoveOne(semaphore.Remove, semaphore, "semaphore");
            }
        }
    }
}

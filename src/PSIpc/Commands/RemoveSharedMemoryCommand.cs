using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes shared memory regions from the system.</para>
/// <para type="description">System V segments are marked for removal (IPC_RMID) and go when the last process detaches; POSIX objects are unlinked (shm_unlink); mapped files are deleted. The region is detached from this session.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "SharedMemory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Region")]
[OutputType(typeof(void))]
public sealed class RemoveSharedMemoryCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Region")]
    public IpcSharedMemory[] SharedMemory { get; set; } = Array.Empty<IpcSharedMemory>();

    /// <summary>POSIX names to unlink.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Name")
        {
            foreach (string name in Name)
            {
                if (ShouldProcess(name, "Remove POSIX shared memory"))
                {
                    RemoveOne(() => IpcSharedMemory.Unlink(name), name, "shared memory");
                }
            }

            return;
        }

        foreach (IpcSharedMemory region in SharedMemory)
        {
            if (ShouldProcess(region.ToString(), "Remove shared memory"))
            {
                RemoveOne(region.Remove, region, "shared memory");
            }
        }
    }
}

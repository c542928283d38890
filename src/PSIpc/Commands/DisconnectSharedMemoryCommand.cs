using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Detaches shared memory regions from this session (shmdt / munmap), leaving them in the system.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "SharedMemory", DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class DisconnectSharedMemoryCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSharedMemory[] SharedMemory { get; set; } = Array.Empty<IpcSharedMemory>();

    protected override void ProcessRecord()
    {
        foreach (IpcSharedMemory region in SharedMemory)
        {
            region.Dispose();
        }
    }
}

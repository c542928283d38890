using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes rings (shm_unlink of their shared memory).</para>
/// <para type="description">The name goes at once; processes that have the ring open keep using it until they close it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IpcRing", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Ring")]
[OutputType(typeof(void))]
public sealed class RemoveIpcRingCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Ring")]
    public IpcRing[] Ring { get; set; } = Array.Empty<IpcRing>();

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
                if (ShouldProcess(name, "Remove ring"))
                {
                    RemoveOne(() => IpcSharedMemory.Unlink(name), name, "ring");
                }
            }

            return;
        }

        foreach (IpcRing ring in Ring)
        {
            if (ShouldProcess(ring.Name!, "Remove ring"))
            {
                RemoveOne(ring.Remove, ring, "ring");
            }
        }
    }
}

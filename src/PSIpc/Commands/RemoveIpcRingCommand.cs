using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes rings (shm_unlink of their shared memory).</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "IpcRing",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Ring")]
[OutputType(typeof(void))]
public sealed class RemoveIpcRingCommand : RemoveNamedCommandBase<IpcRing>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Ring")]
    public IpcRing[] Ring { get; set; } = Array.Empty<IpcRing>();

    private protected override string What => "ring";

    private protected override IEnumerable<IpcRing> Items() => Ring;

    private protected override void Remove(IpcRing item) => item.Remove();

    private protected override void RemoveByName(string name) => IpcSharedMemory.Unlink(name);

    private protected override string Describe(IpcRing item) => item.Name!;
}

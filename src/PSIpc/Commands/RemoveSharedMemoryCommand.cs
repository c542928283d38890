using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes shared memory regions from the system.</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "SharedMemory",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Region")]
[OutputType(typeof(void))]
public sealed class RemoveSharedMemoryCommand : RemoveNamedCommandBase<IpcSharedMemory>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Region")]
    public IpcSharedMemory[] SharedMemory { get; set; } = Array.Empty<IpcSharedMemory>();

    private protected override string What => "shared memory";

    private protected override IEnumerable<IpcSharedMemory> Items() => SharedMemory;

    private protected override void Remove(IpcSharedMemory item) => item.Remove();

    private protected override void RemoveByName(string name) => IpcSharedMemory.Unlink(name);
}

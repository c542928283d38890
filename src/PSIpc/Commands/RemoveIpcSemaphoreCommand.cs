using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes POSIX named semaphores (sem_unlink).</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "IpcSemaphore",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Semaphore")]
[OutputType(typeof(void))]
public sealed class RemoveIpcSemaphoreCommand : RemoveNamedCommandBase<IpcSemaphore>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Semaphore")]
    public IpcSemaphore[] Semaphore { get; set; } = Array.Empty<IpcSemaphore>();

    private protected override string What => "semaphore";

    private protected override IEnumerable<IpcSemaphore> Items() => Semaphore;

    private protected override void Remove(IpcSemaphore item) => item.Remove();

    private protected override void RemoveByName(string name) => IpcSemaphore.Unlink(name);

    private protected override string Describe(IpcSemaphore item) => item.Name;
}

using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes message queues from the system.</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "IpcMessageQueue",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Queue")]
[OutputType(typeof(void))]
public sealed class RemoveIpcMessageQueueCommand : RemoveNamedCommandBase<IpcMessageQueue>
{
    /// <summary>The queues to remove, from New- or Connect-IpcMessageQueue.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Queue")]
    public IpcMessageQueue[] Queue { get; set; } = Array.Empty<IpcMessageQueue>();

    private protected override string What => "message queue";

    private protected override IEnumerable<IpcMessageQueue> Items() => Queue;

    private protected override void Remove(IpcMessageQueue item) => item.Remove();

    private protected override void RemoveByName(string name) => PosixMessageQueue.Unlink(name);

    private protected override string Describe(IpcMessageQueue item) => item.Description;
}

using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes IPC objects that Get-IpcObject lists, as ipcrm does.</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "IpcObject",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class RemoveIpcObjectCommand : RemoveCommandBase<IpcObject>
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcObject[] InputObject { get; set; } = Array.Empty<IpcObject>();

    private protected override string What => "IPC object";

    private protected override IEnumerable<IpcObject> Items() => InputObject;

    private protected override void Remove(IpcObject item) => item.Remove();

    private protected override ErrorRecord? Refuse(IpcObject item) => item.CanRemove ? null : ErrorHelper.Create(
        "LockNotRemovable",
        ErrorCategory.InvalidOperation,
        item,
        $"{item} cannot be removed from outside: a lock goes when its holder releases it or exits.");
}

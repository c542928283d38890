using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes IPC objects that Get-IpcObject lists, as ipcrm does.</para>
/// <para type="description">`Get-IpcObject -Owner $me | Remove-IpcObject` is the cleanup after a crashed script.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IpcObject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class RemoveIpcObjectCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcObject[] InputObject { get; set; } = Array.Empty<IpcObject>();

    protected override void ProcessRecord()
    {
        foreach (IpcObject o in InputObject)
        {
            if (!o.CanRemove)
            {
                WriteError(ErrorHelper.Create("LockNotRemovable", ErrorCategory.InvalidOperation, o, $"{o} cannot be removed from outside: a lock goes when its holder releases it or exits."));
                continue;
            }

            if (ShouldProcess(o.ToString(), "Remove"))
            {
                RemoveOne(o.Remove, o, "IPC object");
            }
        }
    }
}

using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Lists the IPC objects that exist on the machine, whoever made them, like ipcs -a.</para>
/// <para type="description">System V queues, segments and semaphore sets (from /proc/sysvipc), POSIX queues (/dev/mqueue, when mounted), POSIX shared memory and semaphores (/dev/shm). Pipe them to Remove-IpcObject to clean up after a crashed script.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "IpcObject", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcObject))]
public sealed class GetIpcObjectCommand : IpcCmdlet
{
    [Parameter(Position = 0)]
    public IpcObjectKind[]? Kind { get; set; }

    /// <summary>Only objects of these users (names or ids).</summary>
    [Parameter]
    public string[]? Owner { get; set; }

    /// <summary>POSIX names, with wildcards (/psipc-*).</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>System V keys.</summary>
    [Parameter]
    [IpcKeyTransformation]
    public int? Key { get; set; }

    protected override void EndProcessing()
    {
        WildcardPattern? name = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (IpcObject o in IpcObject.GetAll())
        {
            if (Kind is not null && Array.IndexOf(Kind, o.Kind) < 0)
            {
                continue;
            }

            if (Owner is not null && !Array.Exists(Owner, w => string.Equals(w, o.Owner, StringComparison.Ordinal) || w == o.OwnerId.ToString(CultureInfo.InvariantCulture)))
            {
                continue;
            }

            if (name is not null && (o.Name is null || !name.IsMatch(o.Name)))
            {
                continue;
            }

            if (Key is int key && o.Key != key)
            {
                continue;
            }

            WriteObject(o);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Lists the IPC objects that exist on the machine, whoever made them, like ipcs -a.</summary>
[Cmdlet(VerbsCommon.Get, "IpcObject", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcObject))]
public sealed class GetIpcObjectCommand : IpcCmdlet
{
    /// <summary>Only objects of these kinds (MessageQueue, SharedMemory, Semaphore, FileLock, Fifo, Socket...).</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(IpcObjectKindCompleter))]
    public string[]? Kind { get; set; }

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

    protected override void BeginProcessing()
    {
        foreach (string kind in Kind ?? Array.Empty<string>())
        {
            if (!IpcObjectSource.Kinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
            {
                ThrowTerminatingError(ErrorHelper.Create(
                    "UnknownKind", ErrorCategory.InvalidArgument, kind,
                        $"'{kind}' is not a kind of IPC object; the kinds are "
                        + $"{string.Join(", ", IpcObjectSource.Kinds)}."));
            }
        }
    }

    protected override void EndProcessing()
    {
        WildcardPattern? name = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        IEnumerable<IpcObjectSource> sources = IpcObjectSource.All
            .Where(s => Kind is null || Kind.Contains(s.Kind, StringComparer.OrdinalIgnoreCase));
        foreach (IpcObject o in sources.SelectMany(s => s.List()))
        {

            string ownerId = o.OwnerId.ToString(CultureInfo.InvariantCulture);
            if (Owner is not null && !Array.Exists(Owner, w => string.Equals(w, o.Owner, StringComparison.Ordinal) || w == ownerId))
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

using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSIpc.Native;

namespace PSIpc.Commands;

/// <summary>Removes FIFOs.</summary>
[Cmdlet(
    VerbsCommon.Remove,
    "IpcFifo",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Path")]
[OutputType(typeof(void))]
public sealed class RemoveIpcFifoCommand : RemoveCommandBase<string>
{
    /// <summary>The FIFOs to remove; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The FIFOs to remove, taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    private protected override string What => "FIFO";

    private protected override IEnumerable<string> Items()
    {
        bool literal = ParameterSetName == "LiteralPath";
        return (literal ? LiteralPath : Path).SelectMany(path => PathHelper.ResolveExisting(this, path, literal));
    }

    private protected override ErrorRecord? Refuse(string item)
    {
        // Only what the path is now: a FIFO, never a file that took its place.
        FileStatus status;
        try
        {
            status = Fd.LStat(item);
        }
        catch (NativeException e)
        {
            return ErrorHelper.ToRecord(e, item, $"Cannot remove the FIFO '{item}'");
        }

        return status.IsFifo ? null : ErrorHelper.Create(
            "NotAFifo",
            ErrorCategory.InvalidArgument,
            item,
            $"'{item}' is a {FileModes.TypeName(status.Mode)}, not a FIFO; Remove-IpcFifo removes only FIFOs, so it was left alone.");
    }

    private protected override void Remove(string item) => Fd.Unlink(item);
}

using System;
using System.Management.Automation;
using PSIpc.Native;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes FIFOs.</para>
/// <para type="description">Removes only FIFOs: a regular file, directory or socket at the path is an error and is left alone.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IpcFifo", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Path")]
[OutputType(typeof(void))]
public sealed class RemoveIpcFifoCommand : IpcCmdlet
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

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == "LiteralPath";
        foreach (string path in literal ? LiteralPath : Path)
        {
            foreach (string resolved in PathHelper.ResolveExisting(this, path, literal))
            {
                Remove(resolved);
            }
        }
    }

    private void Remove(string path)
    {
        try
        {
            FileStatus status = Fd.LStat(path);
            if (!status.IsFifo)
            {
                WriteError(ErrorHelper.Create(
                    "NotAFifo",
                    ErrorCategory.InvalidArgument,
                    path,
                    $"'{path}' is a {FileModes.TypeName(status.Mode)}, not a FIFO; Remove-IpcFifo removes only FIFOs, so it was left alone."));
                return;
            }

            if (ShouldProcess(path, "Remove FIFO"))
            {
                Fd.Unlink(path);
            }
        }
        catch (NativeException e)
        {
            WriteIpcError(e, path, $"Cannot remove the FIFO '{path}'");
        }
    }
}

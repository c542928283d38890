using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates a named pipe (FIFO) in the file system.</summary>
[Cmdlet(VerbsCommon.New, "IpcFifo", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(IpcFifo))]
public sealed class NewIpcFifoCommand : IpcCmdlet
{
    /// <summary>Where to create the FIFO.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Where to create the FIFO, taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Permissions: 0600 (owner read/write) unless given, as octal (0640) or letters (rw-r-----).</summary>
    [Parameter]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    /// <summary>Removes the FIFO when this session ends (the runspace closes or the module is removed), as a
    /// safety net for scripts that stop early.</summary>
    [Parameter]
    public SwitchParameter RemoveOnExit { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string path in ParameterSetName == "Path" ? Path : LiteralPath)
        {
            string resolved = PathHelper.ResolveNew(this, path);
            if (!ShouldProcess(resolved, $"Create FIFO with mode {Mode}"))
            {
                continue;
            }

            try
            {
                IpcFifo fifo = IpcFifo.Create(resolved, Mode.Value);
                if (RemoveOnExit)
                {
                    ExitRemoval.Schedule(fifo.Path, () => Native.Fd.Unlink(fifo.Path));
                }

                WriteObject(fifo);
            }
            catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
            {
                WriteIpcError(e, resolved, $"Cannot create the FIFO '{resolved}'");
            }
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates an anonymous pipe.</summary>
[Cmdlet(VerbsCommon.New, "IpcPipe", SupportsShouldProcess = true, DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcPipe))]
public sealed class NewIpcPipeCommand : IpcCmdlet
{
    /// <summary>This session's end: Both, Write (a child reads) or Read (a child writes).</summary>
    [Parameter(Position = 0)]
    public IpcDirection Direction { get; set; } = IpcDirection.Both;

    /// <summary>How messages are delimited: Message (default), Line or Raw.</summary>
    [Parameter]
    public IpcFraming Framing { get; set; } = IpcFraming.Message;

    protected override void EndProcessing()
    {
        if (!ShouldProcess($"anonymous pipe ({Direction}, {Framing})", "Create"))
        {
            return;
        }

        try
        {
            WriteObject(IpcPipe.Create(Direction, Framing));
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, null, "Cannot create an anonymous pipe");
        }
    }
}

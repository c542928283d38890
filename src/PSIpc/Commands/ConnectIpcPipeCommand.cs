using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Opens the end of an anonymous pipe this process inherited from its parent.</summary>
[Cmdlet(VerbsCommunications.Connect, "IpcPipe", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcPipe))]
public sealed class ConnectIpcPipeCommand : IpcCmdlet
{
    /// <summary>The inherited descriptor number, as the parent's ClientHandle shows it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Handle { get; set; } = string.Empty;

    /// <summary>How messages are delimited; must match the parent's.</summary>
    [Parameter]
    public IpcFraming Framing { get; set; } = IpcFraming.Message;

    protected override void ProcessRecord()
    {
        if (!int.TryParse(Handle, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
        {
            WriteError(ErrorHelper.Create(
                "InvalidPipeHandle",
                ErrorCategory.InvalidArgument,
                Handle,
                $"'{Handle}' is not a pipe handle. Pass the parent's ClientHandle, a descriptor number such as 7."));
            return;
        }

        try
        {
            WriteObject(IpcPipe.Connect(fd, Framing));
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, Handle, $"Cannot connect to pipe handle {fd}", e is ArgumentException ? "NotAPipe" : null);
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Closes channels.</summary>
[Cmdlet(VerbsCommon.Close, "IpcChannel", DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class CloseIpcChannelCommand : IpcCmdlet
{
    /// <summary>The channels to close.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcChannel[] Channel { get; set; } = Array.Empty<IpcChannel>();

    protected override void ProcessRecord()
    {
        foreach (IpcChannel channel in Channel)
        {
            channel.Dispose();
        }
    }
}

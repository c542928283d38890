using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Stops socket servers: closes the listener and every client, and removes the socket file it created.</summary>
[Cmdlet(
    VerbsLifecycle.Stop,
    "IpcSocketServer",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class StopIpcSocketServerCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSocketServer[] Server { get; set; } = Array.Empty<IpcSocketServer>();

    protected override void ProcessRecord()
    {
        foreach (IpcSocketServer server in Server)
        {
            if (ShouldProcess(server.EndPoint, $"Stop server ({server.ClientCount} client(s))"))
            {
                server.Dispose();
            }
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Waits for the next client of a socket server and returns its connection as a channel.</summary>
[Cmdlet(VerbsLifecycle.Wait, "IpcConnection", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcSocket))]
public sealed class WaitIpcConnectionCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSocketServer Server { get; set; } = null!;

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            IpcSocket client = Server.Accept(Timeout, CancelToken);
            WriteChannelWarnings(Server);
            WriteObject(client);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteChannelWarnings(Server);
            ThrowIpcError(e, Server, $"Cannot accept a connection on {Server.EndPoint}");
        }
    }
}

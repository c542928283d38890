using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Connects to a socket server and returns the connection as a channel.</summary>
[Cmdlet(VerbsCommunications.Connect, "IpcSocket", DefaultParameterSetName = "Path")]
[OutputType(typeof(IpcSocket), typeof(IpcUdpSocket))]
public sealed class ConnectIpcSocketCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Abstract")]
    [ValidateNotNullOrEmpty]
    public string Abstract { get; set; } = string.Empty;

    /// <summary>The host name or address (localhost unless given).</summary>
    [Parameter(ParameterSetName = "Port")]
    [Alias("Address")]
    [ValidateNotNullOrEmpty]
    public string ComputerName { get; set; } = "127.0.0.1";

    [Parameter(Mandatory = true, ParameterSetName = "Port", ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = "Port")]
    [ValidateSet("Tcp", "Udp")]
    public string Protocol { get; set; } = "Tcp";

    [Parameter]
    public IpcFraming Framing { get; set; } = IpcFraming.Message;

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    protected override void ProcessRecord()
    {
        string target = ParameterSetName switch
        {
            "Path" => PathHelper.ResolveNew(this, Path),
            "Abstract" => "@" + Abstract,
            _ => $"{ComputerName}:{Port}",
        };
        try
        {
            WriteObject(ParameterSetName switch
            {
                "Path" => (IpcChannel)IpcSocket.ConnectUnix(target, false, Framing, Timeout, CancelToken),
                "Abstract" => IpcSocket.ConnectUnix(Abstract, true, Framing, Timeout, CancelToken),
                _ when string.Equals(Protocol, "Udp", StringComparison.OrdinalIgnoreCase) => IpcUdpSocket.Connect(ComputerName, Port),
                _ => (IpcChannel)IpcSocket.ConnectTcp(ComputerName, Port, Framing, Timeout, CancelToken),
            });
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, target, $"Cannot connect to {target}", e is ArgumentException ? "InvalidAddress" : null);
        }
    }
}

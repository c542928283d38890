using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Net;

namespace PSIpc.Commands;

/// <summary>Listens on a Unix socket path, an abstract name or a TCP port.</summary>
[Cmdlet(VerbsCommon.New, "IpcSocketServer", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(IpcSocketServer), typeof(IpcUdpSocket))]
public sealed class NewIpcSocketServerCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>A name in Linux's abstract socket namespace (no file).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Abstract")]
    [ValidateNotNullOrEmpty]
    public string Abstract { get; set; } = string.Empty;

    /// <summary>The TCP port; 0 picks a free one.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Port")]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The address to listen on (127.0.0.1 unless given).</summary>
    [Parameter(ParameterSetName = "Port")]
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>Tcp (the default) or Udp (a bound datagram socket: each Receive's Sender is the datagram's sender).</summary>
    [Parameter(ParameterSetName = "Port")]
    [ValidateSet("Tcp", "Udp")]
    public string Protocol { get; set; } = "Tcp";

    [Parameter(ParameterSetName = "Path")]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    [Parameter(ParameterSetName = "Path")]
    public SwitchParameter Force { get; set; }

    /// <summary>Unix sockets: accept only these users (names or ids); others are refused at connect.</summary>
    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "Abstract")]
    public string[]? AllowUser { get; set; }

    [Parameter]
    public IpcFraming Framing { get; set; } = IpcFraming.Message;

    protected override void EndProcessing()
    {
        string path = ParameterSetName == "Path" ? PathHelper.ResolveNew(this, Path) : string.Empty;
        string target = ParameterSetName switch
        {
            "Path" => path,
            "Abstract" => "@" + Abstract,
            _ => $"{Address}:{Port}",
        };
        List<uint>? users = AllowUser is null ? null : ResolveUsers(AllowUser);

        if (!ShouldProcess(target, "Listen"))
        {
            return;
        }

        try
        {
            WriteObject(ParameterSetName switch
            {
                "Path" => (IpcChannel)IpcSocketServer.ListenUnix(path, Mode.Value, Force, Framing, users),
                "Abstract" => IpcSocketServer.ListenAbstract(Abstract, Framing, users),
                _ when string.Equals(Protocol, "Udp", StringComparison.OrdinalIgnoreCase) => IpcUdpSocket.Bind(Address, Port),
                _ => (IpcChannel)IpcSocketServer.ListenTcp(Address, Port, Framing),
            });
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, target, $"Cannot listen on {target}", e is ArgumentException ? "InvalidAddress" : null);
        }
    }
}

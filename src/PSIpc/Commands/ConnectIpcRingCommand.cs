using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Opens an existing ring made with New-IpcRing.</summary>
[Cmdlet(VerbsCommunications.Connect, "IpcRing", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcRing))]
public sealed class ConnectIpcRingCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
    public string Name { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(IpcRing.Connect(Name));
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, Name, $"Cannot open the ring {Name}", e is ArgumentException ae ? ArgumentErrorId(ae, "NotARing") : null);
        }
    }
}

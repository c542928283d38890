using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Opens an existing POSIX named semaphore.</summary>
[Cmdlet(VerbsCommunications.Connect, "IpcSemaphore", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcSemaphore))]
public sealed class ConnectIpcSemaphoreCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SemaphoreNameCompleter))]
    public string Name { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(IpcSemaphore.Connect(Name));
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, Name, $"Cannot open the semaphore {Name}", e is ArgumentException ? "InvalidName" : null);
        }
    }
}

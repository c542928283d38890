using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Opens an existing message queue.</summary>
[Cmdlet(VerbsCommunications.Connect, "IpcMessageQueue", DefaultParameterSetName = "Key")]
[OutputType(typeof(SysVMessageQueue), typeof(PosixMessageQueue))]
public sealed class ConnectIpcMessageQueueCommand : IpcCmdlet
{
    /// <summary>The System V key.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Key")]
    [IpcKeyTransformation]
    [ArgumentCompleter(typeof(SysVKeyCompleter))]
    public int Key { get; set; }

    /// <summary>The System V queue id (msqid in ipcs -q).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Id { get; set; }

    /// <summary>The POSIX queue name, such as /jobs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MessageQueueNameCompleter))]
    public string Name { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        string target = ParameterSetName switch
        {
            "Key" => "0x" + Key.ToString("x8", CultureInfo.InvariantCulture),
            "Id" => Id.ToString(CultureInfo.InvariantCulture),
            _ => Name,
        };
        try
        {
            IpcMessageQueue queue = ParameterSetName switch
            {
                "Key" => SysVMessageQueue.Connect(Key),
                "Id" => SysVMessageQueue.ConnectById(Id),
                _ => PosixMessageQueue.Connect(Name),
            };
            WriteObject(queue);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(
                e,
                target,
                $"Cannot open the message queue {target}",
                e is ArgumentException ae ? (ae.ParamName == "key" ? "InvalidKey" : "InvalidQueueName") : null);
        }
    }
}

using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Attaches to an existing shared memory region.</summary>
[Cmdlet(VerbsCommunications.Connect, "SharedMemory", DefaultParameterSetName = "Key")]
[OutputType(typeof(IpcSharedMemory))]
public sealed class ConnectSharedMemoryCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Key")]
    [IpcKeyTransformation]
    [ArgumentCompleter(typeof(SysVKeyCompleter))]
    public int Key { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Id { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Attaches read-only: writes are refused.</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    protected override void ProcessRecord()
    {
        string target = ParameterSetName switch
        {
            "Key" => "0x" + Key.ToString("x8", CultureInfo.InvariantCulture),
            "Id" => Id.ToString(CultureInfo.InvariantCulture),
            "Name" => Name,
            _ => PathHelper.ResolveNew(this, Path),
        };
        try
        {
            WriteObject(ParameterSetName switch
            {
                "Key" => IpcSharedMemory.ConnectSysV(Key, ReadOnly),
                "Id" => IpcSharedMemory.ConnectSysVById(Id, ReadOnly),
                "Name" => IpcSharedMemory.ConnectPosix(Name, ReadOnly),
                _ => IpcSharedMemory.ConnectFile(target, ReadOnly),
            });
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(
                e,
                target,
                $"Cannot attach the shared memory {target}",
                e is ArgumentException ae ? ArgumentErrorId(ae, "NotMappable") : null);
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Reads a string, bytes or an object from a shared memory region.</summary>
[Cmdlet(VerbsCommunications.Read, "SharedMemory", DefaultParameterSetName = "Auto")]
[OutputType(typeof(string), typeof(byte[]), typeof(object))]
public sealed class ReadSharedMemoryCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcSharedMemory SharedMemory { get; set; } = null!;

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Offset { get; set; }

    /// <summary>How many bytes to read (-AsBytes) or at most to scan for the NUL (-AsString).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Length { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "String")]
    public SwitchParameter AsString { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Bytes")]
    public SwitchParameter AsBytes { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Encoding")]
    public IpcEncoding Encoding { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            object? result = ParameterSetName switch
            {
                "String" => SharedMemory.ReadString(Offset, Length),
                "Bytes" => SharedMemory.ReadBytes(Offset, Length ?? (int)Math.Min(SharedMemory.Size - Offset, int.MaxValue)),
                "Encoding" => Encoding switch
                {
                    IpcEncoding.Text => SharedMemory.ReadString(Offset, Length),
                    IpcEncoding.Bytes => SharedMemory.ReadBytes(Offset, Length ?? (int)Math.Min(SharedMemory.Size - Offset, int.MaxValue)),
                    _ => SharedMemory.ReadObject(Offset),
                },
                _ => SharedMemory.HasObjectAt(Offset) ? SharedMemory.ReadObject(Offset) : SharedMemory.ReadString(Offset, Length),
            };
            WriteObject(result, enumerateCollection: false);
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteIpcError(e, SharedMemory, $"Cannot read from {SharedMemory}", "OutOfBounds");
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, SharedMemory, $"Cannot read from {SharedMemory}");
        }
    }
}

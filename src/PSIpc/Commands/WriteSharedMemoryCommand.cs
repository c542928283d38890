using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Writes a string, bytes or an object into a shared memory region.</summary>
[Cmdlet(VerbsCommunications.Write, "SharedMemory", DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class WriteSharedMemoryCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public IpcSharedMemory SharedMemory { get; set; } = null!;

    /// <summary>What to write; each pipeline object overwrites the last, at the same offset.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? Value { get; set; }

    /// <summary>Where to write, in bytes from the start (0 unless given).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Offset { get; set; }

    /// <summary>Text (strings), Bytes (byte[]), CliXml (other objects) or Json.</summary>
    [Parameter]
    public IpcEncoding? Encoding { get; set; }

    [Parameter]
    [ValidateRange(1, 100)]
    public int Depth { get; set; } = 2;

    protected override void ProcessRecord()
    {
        object? value = MessageCodec.Unwrap(Value);
        IpcEncoding encoding = Encoding ?? value switch
        {
            string => IpcEncoding.Text,
            byte[] => IpcEncoding.Bytes,
            _ => IpcEncoding.CliXml,
        };
        try
        {
            switch (encoding)
            {
                case IpcEncoding.Text:
                    SharedMemory.WriteString(Offset, value as string ?? LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty);
                    break;
                case IpcEncoding.Bytes:
                    SharedMemory.WriteBytes(Offset, MessageCodec.Encode(value, IpcEncoding.Bytes, Depth));
                    break;
                default:
                    SharedMemory.WriteObject(Offset, Value, encoding, Depth);
                    break;
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteIpcError(e, SharedMemory, $"Cannot write to {SharedMemory}", "OutOfBounds");
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(
                e,
                SharedMemory,
                $"Cannot write to {SharedMemory}",
                e is InvalidOperationException and not ObjectDisposedException ? "ReadOnlyRegion" : null);
        }
    }
}

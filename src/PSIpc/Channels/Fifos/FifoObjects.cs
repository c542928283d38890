using PSIpc.Native;

namespace PSIpc;

/// <summary>The FIFOs this process made (New-IpcFifo), while they exist, for Get-IpcObject.</summary>
internal sealed class FifoObjects : MadeFileObjects
{
    public override string Kind => "Fifo";

    public override int Order => 40;

    private protected override bool IsKind(FileStatus status) => status.IsFifo;
}

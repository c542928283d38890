using PSIpc.Native;

namespace PSIpc;

/// <summary>The Unix socket files this process made (New-IpcSocketServer -Path), while they exist, for Get-IpcObject.</summary>
internal sealed class SocketFileObjects : MadeFileObjects
{
    public override string Kind => "Socket";

    public override int Order => 50;

    private protected override bool IsKind(FileStatus status) => status.IsSocket;
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Releases file locks taken with Lock-IpcFile.</summary>
[Cmdlet(VerbsCommon.Unlock, "IpcFile", DefaultParameterSetName = "Default")]
[OutputType(typeof(void))]
public sealed class UnlockIpcFileCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcFileLock[] Lock { get; set; } = Array.Empty<IpcFileLock>();

    protected override void ProcessRecord()
    {
        foreach (IpcFileLock held in Lock)
        {
            held.Release();
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Locks a file and returns the lock.</summary>
[Cmdlet(VerbsCommon.Lock, "IpcFile", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcFileLock))]
public sealed class LockIpcFileCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Shared { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? Offset { get; set; }

    /// <summary>The range's length; 0 locks to the end of the file, however it grows.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? Length { get; set; }

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    [Parameter]
    public SwitchParameter NoWait { get; set; }

    protected override void ProcessRecord()
    {
        string path = PathHelper.ResolveNew(this, Path);
        try
        {
            IpcFileLock? held = IpcFileLock.Acquire(path, Shared, Offset, Length, Timeout, NoWait, CancelToken);
            if (held is null)
            {
                WriteError(ErrorHelper.Create("FileLockBusy", ErrorCategory.ResourceBusy, path,
                    $"Another process holds a conflicting lock on '{path}'; -NoWait did not wait. Find the holder "
                    + "with lslocks."));
                return;
            }

            WriteObject(held);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, path, $"Cannot lock '{path}'");
        }
    }
}

using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Locks a file and returns the lock.</para>
/// <para type="description">A whole-file lock uses flock(2), so it excludes util-linux flock in shell scripts and CI jobs; -Offset/-Length lock a byte range with open-file-description fcntl locks. -Shared takes a read lock. A conflicting holder makes -NoWait fail at once (ResourceBusy) and -Timeout fail after the wait (OperationTimeout). The file is created (0600) when missing.</para>
/// </summary>
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
                WriteError(ErrorHelper.Create("FileLockBusy", ErrorCategory.ResourceBusy, path, $"Another process holds a conflicting lock on '{path}'; -NoWait did not wait. Find the holder with lslocks."));
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

using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates a shared memory region and attaches it.</summary>
[Cmdlet(VerbsCommon.New, "SharedMemory", SupportsShouldProcess = true, DefaultParameterSetName = "Private")]
[OutputType(typeof(IpcSharedMemory))]
public sealed class NewSharedMemoryCommand : IpcCmdlet
{
    /// <summary>The size in bytes (64KB, 1MB work).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public long Size { get; set; }

    /// <summary>The System V key: a number, or hexadecimal as ipcs prints it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Key")]
    [IpcKeyTransformation]
    public int Key { get; set; }

    /// <summary>Makes a System V segment with no key (IPC_PRIVATE): share it by its Id.</summary>
    [Parameter(ParameterSetName = "Private")]
    public SwitchParameter Private { get; set; }

    /// <summary>The POSIX name: '/' and 1 to 255 characters with no other '/'.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The file to map (created, or grown with -Force).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Permissions: 0600 unless given.</summary>
    [Parameter]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    /// <summary>Attaches to an existing region instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Removes the region (a -Path file too) when this session ends (the runspace closes or the module
    /// is removed), as a safety net for scripts that stop early.</summary>
    [Parameter]
    public SwitchParameter RemoveOnExit { get; set; }

    protected override void EndProcessing()
    {
        string path = ParameterSetName == "Path" ? PathHelper.ResolveNew(this, Path) : string.Empty;
        string target = ParameterSetName switch
        {
            "Key" => "System V segment with key 0x" + Key.ToString("x8", CultureInfo.InvariantCulture),
            "Name" => "POSIX shared memory " + Name,
            "Path" => "mapped file " + path,
            _ => "private System V segment",
        };
        if (Size <= 0)
        {
            ThrowTerminatingError(ErrorHelper.Create(
                "InvalidSize", ErrorCategory.InvalidArgument, Size,
                $"A shared memory region needs a size of 1 byte or more; {Size} is not."));
        }

        if (!ShouldProcess(target, $"Create {Size} bytes with mode {Mode}"))
        {
            return;
        }

        try
        {
            IpcSharedMemory region = ParameterSetName switch
            {
                "Key" => IpcSharedMemory.CreateSysV(Key, Size, Mode.Value, Force),
                "Name" => IpcSharedMemory.CreatePosix(Name, Size, Mode.Value, Force),
                "Path" => IpcSharedMemory.CreateFile(path, Size, Mode.Value, Force),
                _ => IpcSharedMemory.CreateSysV(null, Size, Mode.Value, Force),
            };
            if (RemoveOnExit)
            {
                ExitRemoval.Schedule(region.Kind == IpcSharedMemoryKind.SystemV ? null : region.Path, region.Remove);
            }

            WriteObject(region);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(
                e,
                ParameterSetName switch { "Name" => Name, "Path" => path, _ => target },
                $"Cannot create the {target}",
                e is ArgumentException ae ? ArgumentErrorId(ae, "InvalidSize") : null);
        }
    }
}
